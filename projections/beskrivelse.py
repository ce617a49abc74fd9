"""A plain-Norwegian one-line description of every fact, for histories and the klagesak timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from application.referansedata import Referansedata
from domain import bruker as b
from domain import leveranse as lv
from domain import vedtak as v
from domain.begreper import Hendelse
from domain.kalender import lokal


def _dato(d: date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "løpende"


def _tid(t: datetime) -> str:
    """As strftime("%d.%m.%Y kl. %H:%M") in Oslo time, at a third of its cost (a klagesak
    formats thousands of visits)."""
    t = lokal(t)
    return f"{t.day:02d}.{t.month:02d}.{t.year} kl. {_kl(t)}"


def _kl(t: datetime) -> str:
    """HH:MM of an Oslo-time instant."""
    return f"{t.hour:02d}:{t.minute:02d}"


def _tjeneste(t: Any) -> str:
    return str(t.value if hasattr(t, "value") else t).replace("_", " ")


def _antall(n: int, entall: str, flertall: str) -> str:
    return f"{n} {entall if n == 1 else flertall}"


def _tidsrom(fra: date, til: date) -> str:
    """The dates a batch of visits or cancellations covers: "12.03.2026" or "01.03–31.03.2026"."""
    if fra == til:
        return f"{_dato(fra)}"
    return f"{fra:%d.%m}–{_dato(til)}" if fra.year == til.year else f"{_dato(fra)}–{_dato(til)}"


def _kilde(e: Any, linjer: Any) -> str:
    """Which file and lines: "fil ab12cd34…, linje 4–27", or "…, 23 av linjene 4–63" when
    other lines lie between (the file's sha256, shortened)."""
    nr = sorted(x.linje for x in linjer)
    if len(nr) == 1:
        return f"fil {e.fil_sha256[:8]}…, linje {nr[0]}"
    if nr[-1] - nr[0] + 1 == len(nr):
        return f"fil {e.fil_sha256[:8]}…, linje {nr[0]}–{nr[-1]}"
    return f"fil {e.fil_sha256[:8]}…, {len(nr)} av linjene {nr[0]}–{nr[-1]}"


class Beskriver:
    """Turns events into sentences a case worker reads; provider ids become names."""

    def __init__(self, ref: Referansedata | None = None) -> None:
        self.ref = ref

    def lev(self, leverandor_id: str) -> str:
        if self.ref and leverandor_id in self.ref.leverandorer:
            return self.ref.leverandorer[leverandor_id].navn
        return leverandor_id

    def rapportor(self, e: Hendelse) -> str:
        """Who reported: the provider of the reporting actor (else the organisation as given)."""
        org = e.aktor.organisasjon
        return self.lev(org.removeprefix("leverandor:")) if org.startswith("leverandor:") else org

    def __call__(self, e: Hendelse) -> str:
        tekst = self._tekster.get(type(e))
        return tekst(self, e) if tekst else type(e).__name__

    # One sentence per event type, all of the same shape: each is that event's own wording.
    _tekster: dict[type, Callable[[Beskriver, Any], str]] = {
        b.BrukerRegistrert: lambda s, e: f"Bruker registrert i bydel {e.bydel}",
        b.BrukervalgInformasjonGitt: lambda s, e: (
            f"Informasjon om brukervalg gitt til {e.gitt_til.value} {_tid(e.gitt_tid)} av {e.gitt_av}"),
        b.LeverandorValgt: lambda s, e: (
            f"Valgte {s.lev(e.leverandor_id)} for {_tjeneste(e.tjenestetype)} fra "
            f"{_dato(e.gyldig_fra)} ({e.form.value})"),
        b.LeverandorvalgKorrigert: lambda s, e: (
            f"Valg korrigert til {s.lev(e.leverandor_id)} fra {_dato(e.gyldig_fra)}: {e.begrunnelse}"
            f" (retter {e.korrigerer})"),
        b.LeverandorByttet: lambda s, e: (
            f"Bytte av leverandør for {_tjeneste(e.tjenestetype)}: {s.lev(e.fra_leverandor_id)} "
            f"til {s.lev(e.til_leverandor_id)}, oppsagt {_dato(e.oppsigelsesdato)}, siste dag "
            f"{_dato(e.siste_dag_gammel)}, ny fra {_dato(e.forste_dag_ny)}"),
        b.LeveranseTilknyttet: lambda s, e: (
            f"Tjeneste {_tjeneste(e.tjenestetype)} hos {s.lev(e.leverandor_id)} lagt på sakskortet "
            f"({_dato(e.fom)}–{_dato(e.tom)})"),
        b.LeveranseperiodeEndret: lambda s, e: f"Tjenesteperiode avsluttes {_dato(e.tom)}",
        b.VedtakTilknyttet: lambda s, e: f"Vedtak om {_tjeneste(e.tjenestetype)} lagt på sakskortet",
        b.BytteBekreftelseSendt: lambda s, e: f"Brev som bekrefter byttet sendt {_dato(e.sendt_dato)}",
        b.FlyttetTilBydel: lambda s, e: f"Flyttet fra bydel {e.fra_bydel} til {e.til_bydel} {_dato(e.dato)}",
        b.HusstandsinntektRegistrert: lambda s, e: (
            f"Husstandens nettoinntekt {e.nettoinntekt:,.0f} kr fra {_dato(e.gyldig_fra)} ({e.kilde})"
            .replace(",", " ")),
        b.FlyttetUtAvKommunen: lambda s, e: f"Flyttet ut av kommunen {_dato(e.dato)}",
        b.DodsfallRegistrert: lambda s, e: f"Dødsfall registrert, dødsdato {_dato(e.dodsdato)}",
        v.VedtakFattet: lambda s, e: (
            f"Vedtak fattet om {_tjeneste(e.tjenestetype)}, {e.omfang.minutter} min per "
            f"{e.omfang.per_uker} uke(r), {_dato(e.gyldig_fra)}–{_dato(e.gyldig_til)}"),
        v.VedtakMottatt: lambda s, e: (
            f"Vedtaket kom fram til bruker {_dato(e.mottatt_dato)}; klagefrist {_dato(e.klagefrist)}"),
        v.RevurderingAnmodet: lambda s, e: (
            f"{s.lev(e.leverandor_id)} ba om revurdering {_tid(e.anmodet_tid)}: {e.begrunnelse}"),
        v.RevurderingBesvart: lambda s, e: (
            f"Revurdering besvart {_tid(e.besvart_tid)}: {e.utfall.value}"
            + (f", nytt omfang {e.nytt_omfang.minutter} min fra {_dato(e.gyldig_fra)}"
               if e.nytt_omfang else "")),
        v.VedtakForlenget: lambda s, e: f"Vedtaket forlenget til {_dato(e.ny_gyldig_til)}",
        v.VedtakAvsluttet: lambda s, e: f"Vedtaket avsluttet {_dato(e.dato)} ({e.arsak.value})",
        v.KlageMottatt: lambda s, e: (
            f"Klage mottatt {_dato(e.mottatt_dato)}: {e.gjelder}" + (" — FOR SEN" if e.for_sen else "")),
        v.KlageAvgjort: lambda s, e: f"Klage avgjort {_dato(e.avgjort_dato)}: {e.utfall.value}",
        lv.LeveranseBestilt: lambda s, e: (
            f"{_tjeneste(e.tjenestetype).capitalize()} bestilt hos {s.lev(e.leverandor_id)} fra "
            f"{_dato(e.fom)}"),
        lv.LeverandorVarslet: lambda s, e: (
            f"Leverandør varslet via {e.kanal.value} {_tid(e.varslet_tid)}" + (" (hast)" if e.hast else "")),
        lv.OppsigelseVarslet: lambda s, e: f"Leverandør varslet om oppsigelse via {e.kanal.value}",
        lv.LeveranseKnyttetTilVedtak: lambda s, e: "Tjenesten knyttet til vedtak",
        lv.LeveranseStartet: lambda s, e: f"Tjenesten startet {_tid(e.startet_tid)}",
        lv.BesokUtfort: lambda s, e: (
            f"Besøk {_tid(e.start)}–{_kl(lokal(e.slutt))} ({e.kategori.value}, ansatt {e.ansatt})"),
        lv.BesokAvbestilt: lambda s, e: (
            f"Besøk {_tid(e.planlagt_start)} avbestilt av bruker {_tid(e.avbestilt_tid)}"),
        lv.BesokRapportert: lambda s, e: (
            f"{s.rapportor(e)} rapporterte {_antall(len(e.besok), 'besøk', 'besøk')} "
            f"{_tidsrom(e.fom, e.tom)} ({_kilde(e, e.besok)})"),
        lv.AvbestillingerRapportert: lambda s, e: (
            f"{s.rapportor(e)} rapporterte "
            f"{_antall(len(e.avbestillinger), 'avbestilling', 'avbestillinger')} fra bruker "
            f"{_tidsrom(e.fom, e.tom)} ({_kilde(e, e.avbestillinger)})"),
        lv.BekymringsmeldingMottatt: lambda s, e: f"Bekymringsmelding mottatt {_tid(e.mottatt_tid)}",
        lv.BekymringsmeldingVideresendt: lambda s, e: (
            f"Bekymringsmelding videresendt til bydel {_tid(e.videresendt_tid)}"),
        lv.LeveransePeriodeForlenget: lambda s, e: (
            f"Tjenesten forlenget med vedtaket, til {_dato(e.ny_tom)}"),
        lv.LeveranseAvsluttet: lambda s, e: (
            f"Tjenesten avsluttes {_dato(e.sluttdato)} ({e.arsak.value}"
            + (f", kode {e.arsak.gerica_kode})" if e.arsak.gerica_kode else ")")),
        lv.AvvikRegistrert: lambda s, e: f"Avvik registrert ({e.type.value}): {e.beskrivelse}",
        lv.AvvikBehandlet: lambda s, e: f"Avvik behandlet: {e.konklusjon}",
    }
