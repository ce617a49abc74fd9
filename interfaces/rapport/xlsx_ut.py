"""xlsx exports (openpyxl): real numbers with Norwegian-friendly formats, frozen header, filter."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from interfaces.rapport.csv_ut import FRIST_KOLONNE, KONTROLL_HODE, RAPPORT_HODE
from interfaces.rapport.formatting import BESKRIVELSE, REGEL, TJENESTETYPE, desimal
from projections.oppfolging import Betalingskontroll, Oppfolgingsrapport
from projections.oppfolging.rapport import REGLER

TIMER = "#,##0.00"
KRONER = '#,##0.00 "kr"'
PROSENT = "0.0 %"
_HODE = Font(bold=True, color="FFFFFF")
_FYLL = PatternFill("solid", fgColor="2A4D69")
_FARGE = {"ok": "E2F0D9", "differanse forklart": "FFF2CC", "uforklart differanse": "F8CBAD",
          "krav uten betalbart grunnlag": "F8CBAD", "betalbart, ikke krevd": "DDEBF7",
          "krevd mindre enn betalbart": "DDEBF7"}


def _tall(x: Any) -> Any:
    d = desimal(x)
    return None if d is None else float(d)


def _ark(ws: Worksheet, hode: list[str], rader: list[list[Any]],
         formater: dict[int, str]) -> None:
    ws.append(hode)
    for c in ws[1]:
        c.font, c.fill = _HODE, _FYLL
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for r in rader:
        ws.append(r)
    for kol, fmt in formater.items():
        for (c,) in ws.iter_rows(min_row=2, min_col=kol, max_col=kol):
            c.number_format = fmt
    for i, h in enumerate(hode, start=1):
        bredde = max([len(h) * 0.6] + [len(str(r[i - 1] or "")) for r in rader[:200]])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, bredde + 2))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _lagre(wb: Workbook) -> bytes:
    # openpyxl stores a str that begins with "=" as a formula; these sheets have none of their
    # own, so every such cell is kept as the text it is (CSV injection, OWASP).
    for ws in wb.worksheets:
        for rad in ws.iter_rows():
            for c in rad:
                if c.data_type == "f":
                    c.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def kontroll_xlsx(k: Betalingskontroll) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Betalingskontroll"
    rader = []
    for x in k.linjer:
        rader.append([str(x.bruker_id), TJENESTETYPE.get(x.tjenestetype.value), x.bydel or "",
                      _tall(x.bestilt_timer), _tall(x.levert_timer), _tall(x.akutt_timer),
                      _tall(x.betalbare_timer), _tall(x.timepris), _tall(x.betalbart_belop),
                      _tall(x.krevd_timer), _tall(x.krevd_belop), _tall(x.differanse_timer),
                      _tall(x.differanse_belop), x.status, x.forklaring_tekst()])
    _ark(ws, KONTROLL_HODE, rader, {4: TIMER, 5: TIMER, 6: TIMER, 7: TIMER, 8: KRONER,
                                    9: KRONER, 10: TIMER, 11: KRONER, 12: TIMER, 13: KRONER})
    for rad in ws.iter_rows(min_row=2):
        farge = _FARGE.get(str(rad[13].value))
        if farge:
            rad[13].fill = PatternFill("solid", fgColor=farge)
    s = wb.create_sheet("Sammendrag")
    s.append(["Leverandør", k.leverandor_id])
    s.append(["Måned", f"{k.aar:04d}-{k.maaned:02d}"])
    s.append(["Betalbare timer", _tall(k.betalbare_timer)])
    s.append(["Betalbart beløp", _tall(k.betalbart_belop)])
    s.append(["Krevde timer", _tall(k.krevd_timer)])
    s.append(["Krevd beløp", _tall(k.krevd_belop)])
    s.append([])
    s.append(["Årsak til differanse", "Timer", "Forklaring"])
    for a, t in k.per_arsak.items():
        s.append([a, _tall(t), BESKRIVELSE.get(a, a)])
    s.append([])
    s.append(["Status", "Antall linjer"])
    for st, n in k.antall_per_status.items():
        s.append([st, n])
    for rad in s.iter_rows(min_col=2, max_col=2):
        for c in rad:
            if isinstance(c.value, float):
                c.number_format = TIMER
    s["B4"].number_format = s["B6"].number_format = KRONER
    for c in ("A1", "A2", "A3", "A4", "A5", "A6", "A8", "B8", "C8"):
        s[c].font = Font(bold=True)
    s.column_dimensions["A"].width = 30
    s.column_dimensions["C"].width = 70
    return _lagre(wb)


def rapport_xlsx(r: Oppfolgingsrapport, navn: Mapping[str, str] | None = None) -> bytes:
    """Two sheets of numbers: the month rows, and the period totals apart from the rows they sum
    (a filter or a sum over a column then never counts a total twice)."""
    kjente = dict(navn or {})
    wb = Workbook()
    maaneder = wb.active
    maaneder.title = "Per måned"
    periode = wb.create_sheet("Periode totalt")
    hode = ["Leverandør-id", *RAPPORT_HODE]
    fmt = {6: TIMER, 7: TIMER, 8: TIMER, 9: PROSENT, 10: KRONER, 13: PROSENT, 18: TIMER}
    forste_andel = FRIST_KOLONNE + 1 + 3 * len(REGLER)
    fmt.update({forste_andel + i: PROSENT for i in range(len(REGLER))})
    rader: dict[str, list[list[Any]]] = {"maaned": [], "periode": []}
    for lr in r.leverandorer:
        for m, t in [*lr.maaneder.items(), (f"{r.fra}–{r.til}", lr.periode)]:
            er_periode = t is lr.periode
            rader["periode" if er_periode else "maaned"].append(
                [lr.leverandor_id, kjente.get(lr.leverandor_id, lr.leverandor_id), m,
                 t.brukere_betjent, t.besok, _tall(t.bestilt_timer),
                 _tall(t.levert_timer), _tall(t.betalbare_timer), t.andel_levert,
                 _tall(t.belop), t.bytter_inn, t.bytter_ut,
                 lr.andel_bytter_ut_innen_90 if er_periode else None,
                 t.bekymringsmeldinger, t.avbestillinger, t.avvik_registrert, t.klager,
                 _tall(t.avvik_timer_sum), t.kontinuitet_median, t.kontinuitet_p90]
                + [n for x in REGLER
                   for n in (t.frister[x].overholdt, t.frister[x].brutt, t.frister[x].apen)]
                + [t.frister[x].andel_overholdt for x in REGLER])
    _ark(maaneder, hode, rader["maaned"], fmt)
    _ark(periode, hode, rader["periode"], fmt)
    forkl = wb.create_sheet("Regler")
    for x in REGLER:
        forkl.append([x, REGEL[x]])
    return _lagre(wb)
