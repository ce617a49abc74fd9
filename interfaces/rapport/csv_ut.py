"""CSV exports: ``;`` separator, decimal comma, UTF-8 with BOM (Excel then shows æøå right)."""

from __future__ import annotations

import csv
import io

from interfaces.rapport.formatting import KORT, REGEL, TJENESTETYPE, komma, prosent, som_tekst
from projections.oppfolging import Betalingskontroll, Oppfolgingsrapport, Tall
from projections.oppfolging.rapport import REGLER

KONTROLL_HODE = ["Bruker", "Tjenestetype", "Bydel", "Bestilte timer", "Leverte timer",
                 "Herav akutte ekstrabesøk", "Betalbare timer", "Timepris", "Betalbart beløp",
                 "Krevde timer", "Krevd beløp", "Differanse timer", "Differanse beløp",
                 "Status", "Forklaring"]


def _skriv(rader: list[list[str]]) -> str:
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerows([som_tekst(c) for c in r] for r in rader)
    return buf.getvalue()


def kontroll_rader(k: Betalingskontroll) -> list[list[str]]:
    rader = [KONTROLL_HODE]
    for x in k.linjer:
        rader.append([str(x.bruker_id), TJENESTETYPE.get(x.tjenestetype.value, x.tjenestetype.value),
                      x.bydel or "", komma(x.bestilt_timer), komma(x.levert_timer),
                      komma(x.akutt_timer), komma(x.betalbare_timer), komma(x.timepris),
                      komma(x.betalbart_belop), komma(x.krevd_timer), komma(x.krevd_belop),
                      komma(x.differanse_timer), komma(x.differanse_belop), x.status,
                      x.forklaring_tekst()])
    rader.append(["Sum", "", "", "", "", "", komma(k.betalbare_timer), "",
                  komma(k.betalbart_belop), komma(k.krevd_timer), komma(k.krevd_belop),
                  komma(k.krevd_timer - k.betalbare_timer),
                  komma(None if k.krevd_belop is None or k.betalbart_belop is None
                        else k.krevd_belop - k.betalbart_belop), "",
                  "; ".join(f"{KORT.get(a, a)} {komma(t)} t" for a, t in k.per_arsak.items())])
    return rader


def kontroll_csv(k: Betalingskontroll) -> str:
    return _skriv(kontroll_rader(k))


RAPPORT_HODE = (["Leverandør", "Måned", "Brukere betjent", "Besøk", "Bestilte timer",
                 "Leverte timer", "Betalbare timer", "Andel av bestilt tid levert",
                 "Beløp", "Bytter inn", "Bytter ut", "Andel som bytter ut innen 90 dager",
                 "Bekymringsmeldinger", "Avbestillinger", "Avvik registrert", "Klager",
                 "Avvikstimer (ikke betalbare)", "Kontinuitet median (ansatte per 14 dager)",
                 "Kontinuitet 90-persentil"]
                + [f"{REGEL[r]} {utfall}" for r in REGLER
                   for utfall in ("overholdt", "brutt", "åpne")]
                + [f"{REGEL[r]} andel overholdt" for r in REGLER])
# Where the rule columns start (1-based, as spreadsheets count): three counts per rule, then the
# shares.
FRIST_KOLONNE = RAPPORT_HODE.index(f"{REGEL[REGLER[0]]} overholdt") + 1


def _tall_rad(lev: str, maaned: str, t: Tall, innen_90: str) -> list[str]:
    return ([lev, maaned, str(t.brukere_betjent), str(t.besok), komma(t.bestilt_timer),
             komma(t.levert_timer), komma(t.betalbare_timer), prosent(t.andel_levert),
             komma(t.belop), str(t.bytter_inn), str(t.bytter_ut), innen_90,
             str(t.bekymringsmeldinger), str(t.avbestillinger), str(t.avvik_registrert),
             str(t.klager), komma(t.avvik_timer_sum), komma(t.kontinuitet_median, 1),
             "" if t.kontinuitet_p90 is None else str(t.kontinuitet_p90)]
            + [str(n) for r in REGLER
               for n in (t.frister[r].overholdt, t.frister[r].brutt, t.frister[r].apen)]
            + [prosent(t.frister[r].andel_overholdt) for r in REGLER])


def rapport_rader(r: Oppfolgingsrapport) -> list[list[str]]:
    rader = [RAPPORT_HODE]
    for lr in r.leverandorer:
        for m, t in lr.maaneder.items():
            rader.append(_tall_rad(lr.leverandor_id, m, t, ""))
        rader.append(_tall_rad(lr.leverandor_id, f"{r.fra}–{r.til}", lr.periode,
                               prosent(lr.andel_bytter_ut_innen_90)))
    return rader


def rapport_csv(r: Oppfolgingsrapport) -> str:
    return _skriv(rapport_rader(r))
