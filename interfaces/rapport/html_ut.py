"""The follow-up report as one self-contained HTML page: tables, and charts drawn on the server
as SVG by pygal (no script, nothing fetched from the network: the page works offline and can be
saved or mailed as one file).

What a reader sees: provider names (reference data), Norwegian numbers, Oslo time; shares on a
0–100 % axis, counts on whole-number ticks; every bar carries its value, so a 0 % result reads
"0 %" while a month without data has no bar and no value; bars side by side, never lines on top
of each other.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pygal
from pygal.style import Style

from interfaces.norsk import kroner, tidspunkt
from interfaces.norsk import prosent as pst
from interfaces.norsk import tall as tl
from interfaces.rapport.formatting import KORT, REGEL, maanedsnavn
from projections.oppfolging import Oppfolgingsrapport
from projections.oppfolging.rapport import REGLER

FARGER = ("#2a7ab0", "#e07b39", "#3a9d5d", "#8e5ea2", "#c0392b", "#16a085", "#7f8c8d", "#d4ac0d")
_STIL = Style(background="#ffffff", plot_background="#ffffff", foreground="#1d2b36",
              foreground_strong="#1d2b36", foreground_subtle="#c9d1d8", colors=FARGER,
              font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
              label_font_size=13, major_label_font_size=13, value_font_size=11,
              legend_font_size=13, title_font_size=15, tooltip_font_size=12)


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def hele_steg(maks: float, antall: int = 5) -> list[int]:
    """Whole-number ticks from 0 covering ``maks`` in at most ``antall`` + 1 steps of 1, 2 or 5
    times a power of ten (counts are never shown as 0,3 or 17,2)."""
    if maks <= 0:
        return [0, 1]
    raa = maks / antall
    tipotens = 10 ** math.floor(math.log10(raa)) if raa >= 1 else 1
    steg = next(m * tipotens for m in (1, 2, 5, 10) if m * tipotens >= raa)
    steg = max(1, int(steg))
    return list(range(0, int(math.ceil(maks / steg)) * steg + 1, steg))


def _stolper(x_etiketter: Sequence[str], serier: Sequence[tuple[str, Sequence[float | None]]],
             *, andel: bool, verdi: Callable[[float], str]) -> str:
    """Grouped bars as inline SVG. ``andel``: values 0..1 drawn on a 0–100 % axis."""
    grupper = max(1, len(x_etiketter))
    bredde = max(640, min(1300, 90 + grupper * (28 * max(1, len(serier)) + 24)))
    if andel:
        y = [0, 20, 40, 60, 80, 100]
        data = [(n, [None if v is None else round(v * 100, 1) for v in vs]) for n, vs in serier]
        fmt: Callable[[float], str] = lambda v: pst(v / 100, 0)  # noqa: E731
        akse: Callable[[float], str] = lambda v: f"{tl(v)} %"  # noqa: E731
    else:
        maks = max([v for _, vs in serier for v in vs if v is not None] or [0])
        y = hele_steg(maks)
        data = [(n, list(vs)) for n, vs in serier]
        fmt, akse = verdi, (lambda v: tl(v))
    diagram = pygal.Bar(
        style=_STIL, js=[], width=bredde, height=360, range=(y[0], y[-1]), y_labels=y,
        value_formatter=akse, formatter=fmt, print_values=True, print_zeroes=True,
        print_values_position="top", legend_at_bottom=True,
        legend_at_bottom_columns=min(2, max(1, len(serier))), y_labels_major=y,
        show_minor_y_labels=False, truncate_legend=-1, truncate_label=-1, margin_top=24,
        spacing=14, no_data_text="Ingen data", disable_xml_declaration=True,
        explicit_size=False, show_legend=True)
    diagram.x_labels = list(x_etiketter)
    for navn, verdier in data:
        diagram.add(navn, list(verdier))
    # pygal's credit comment names its web site; the page names no address it does not fetch
    return re.sub(r"<!--.*?-->", "", diagram.render(is_unicode=True), flags=re.S)


def _e(s: object) -> str:
    return html.escape(str(s))


def _andel_klasse(x: float | None, grense: float = 0.9) -> str:
    if x is None:
        return ""
    return "god" if x >= grense else "darlig"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2b36;
background:#f4f6f8}
header{background:#2a4d69;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.9}main{padding:20px 28px;max-width:1400px}
.kort{display:grid;grid-template-columns:repeat(auto-fit,minmax(600px,1fr));gap:16px}
section{background:#fff;border-radius:8px;padding:16px 18px;margin-bottom:18px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}h2{font-size:17px;margin:0 0 10px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:5px 8px;
border-bottom:1px solid #e3e7eb;text-align:right;font-variant-numeric:tabular-nums}
th:first-child,td:first-child{text-align:left}
th{background:#eef2f5;font-weight:600}.diagram svg{width:100%;height:auto;display:block}
.forklaring{font-size:12px;color:#52616b}
.god{color:#2e7d32;font-weight:600}.darlig{color:#c62828;font-weight:600}
"""


def _sammenligning(r: Oppfolgingsrapport, navn: Callable[[str], str]) -> str:
    p = "periode"
    rader: list[tuple[str, Callable[[Any], str], Callable[[Any], float | None] | None]] = [
        ("Brukere betjent", lambda lr: tl(lr.periode.brukere_betjent), None),
        ("Besøk", lambda lr: tl(lr.periode.besok), None),
        ("Bestilte timer", lambda lr: tl(lr.periode.bestilt_timer, 2), None),
        ("Leverte timer", lambda lr: tl(lr.periode.levert_timer, 2), None),
        ("Betalbare timer", lambda lr: tl(lr.periode.betalbare_timer, 2), None),
        ("Andel av bestilt tid levert", lambda lr: pst(lr.periode.andel_levert),
         lambda lr: lr.periode.andel_levert),
        ("Beløp", lambda lr: kroner(lr.periode.belop), None),
        ("Bytter inn", lambda lr: tl(lr.periode.bytter_inn), None),
        ("Bytter ut", lambda lr: tl(lr.periode.bytter_ut), None),
        ("Andel som bytter ut igjen innen 90 dager", lambda lr: pst(lr.andel_bytter_ut_innen_90),
         None),
        ("Bekymringsmeldinger", lambda lr: tl(lr.periode.bekymringsmeldinger), None),
        ("Avbestillinger", lambda lr: tl(lr.periode.avbestillinger), None),
        ("Avvik registrert (R27)", lambda lr: tl(lr.periode.avvik_registrert), None),
        ("Klager på tjenesten (R27)", lambda lr: tl(lr.periode.klager), None),
        ("Ikke betalbare timer (avvik)", lambda lr: tl(lr.periode.avvik_timer_sum, 2), None),
        ("Kontinuitet: ulike ansatte per 14 dager, median",
         lambda lr: tl(lr.periode.kontinuitet_median, 1), None),
        ("Kontinuitet: 90-persentil", lambda lr: tl(lr.periode.kontinuitet_p90), None)]
    def andel_for(regel: str) -> tuple[Callable[[Any], str], Callable[[Any], Any]]:
        def andel(lr: Any) -> Any:
            return getattr(lr, p).frister[regel].andel_overholdt

        return (lambda lr: pst(andel(lr))), andel

    for x in REGLER:
        vist, andel = andel_for(x)
        rader.append((f"{REGEL[x]}: andel overholdt", vist, andel))
    hode = "".join(f"<th>{_e(navn(lr.leverandor_id))}</th>" for lr in r.leverandorer)
    kropp = []
    for tekst, verdi, klasse in rader:
        celler = "".join(
            f'<td class="{_andel_klasse(klasse(lr)) if klasse else ""}">{_e(verdi(lr))}</td>'
            for lr in r.leverandorer)
        kropp.append(f"<tr><td>{_e(tekst)}</td>{celler}</tr>")
    return (f'<table id="sammenligning"><thead><tr><th>Nøkkeltall</th>{hode}</tr></thead>'
            f"<tbody>{''.join(kropp)}</tbody></table>")


def _avvik(r: Oppfolgingsrapport, navn: Callable[[str], str]) -> str:
    arsaker = sorted({a for lr in r.leverandorer for a in lr.periode.avvik_timer})
    if not arsaker:
        return "<p>Ingen ikke betalbare timer i perioden.</p>"
    hode = "".join(f"<th>{_e(navn(lr.leverandor_id))}</th>" for lr in r.leverandorer)
    kropp = "".join(
        f"<tr><td>{_e(KORT.get(a, a))}</td>"
        + "".join(f"<td>{_e(tl(lr.periode.avvik_timer.get(a), 2))}</td>"
                  for lr in r.leverandorer)
        + "</tr>" for a in arsaker)
    return f"<table><thead><tr><th>Årsak (timer)</th>{hode}</tr></thead><tbody>{kropp}</tbody></table>"


def _diagrammer(r: Oppfolgingsrapport, navn: Callable[[str], str]) -> list[tuple[str, str, str]]:
    L = r.leverandorer
    maaneder = [maanedsnavn(m) for m in r.maaneder]
    timer: Callable[[float], str] = lambda v: tl(v, 1)  # noqa: E731
    heltall: Callable[[float], str] = lambda v: tl(v)  # noqa: E731
    return [
        ("diagram-andel", "Andel av bestilt tid levert, per måned",
         _stolper(maaneder, [(navn(lr.leverandor_id),
                              [_f(t.andel_levert) for t in lr.maaneder.values()]) for lr in L],
                  andel=True, verdi=timer)),
        ("diagram-betalbar", "Betalbare timer per måned",
         _stolper(maaneder, [(navn(lr.leverandor_id),
                              [_f(t.betalbare_timer) for t in lr.maaneder.values()])
                             for lr in L], andel=False, verdi=timer)),
        ("diagram-timer", "Bestilt, levert og betalbar tid i perioden (timer)",
         _stolper(["Bestilt", "Levert", "Betalbar"],
                  [(navn(lr.leverandor_id), [_f(lr.periode.bestilt_timer),
                                             _f(lr.periode.levert_timer),
                                             _f(lr.periode.betalbare_timer)]) for lr in L],
                  andel=False, verdi=timer)),
        ("diagram-frister", "Frister overholdt per regel (R11–R13, R16, R21)",
         _stolper(list(REGLER), [(navn(lr.leverandor_id),
                                  [lr.periode.frister[x].andel_overholdt for x in REGLER])
                                 for lr in L], andel=True, verdi=timer)),
        ("diagram-kontinuitet", "Kontinuitet: ulike ansatte en bruker møtte per 14 dager",
         _stolper(["Median", "90-persentil"],
                  [(navn(lr.leverandor_id), [_f(lr.periode.kontinuitet_median),
                                             _f(lr.periode.kontinuitet_p90)]) for lr in L],
                  andel=False, verdi=lambda v: tl(v, 1 if v % 1 else 0))),
        ("diagram-bytter", "Bytter inn og ut i perioden",
         _stolper(["Bytter inn", "Bytter ut"],
                  [(navn(lr.leverandor_id), [float(lr.periode.bytter_inn),
                                             float(lr.periode.bytter_ut)]) for lr in L],
                  andel=False, verdi=heltall)),
    ]


def rapport_html(r: Oppfolgingsrapport, tittel: str = "Kontraktsoppfølging",
                 navn: Mapping[str, str] | None = None) -> str:
    """The page; ``navn`` maps provider ids to the names readers know (reference data)."""
    kjente = dict(navn or {})

    def navn_paa(ident: str) -> str:
        return kjente.get(ident, ident)

    periode = (maanedsnavn(r.fra) if r.fra == r.til
               else f"{maanedsnavn(r.fra)} – {maanedsnavn(r.til)}")
    lev = ", ".join(navn_paa(lr.leverandor_id) for lr in r.leverandorer) or "ingen"
    en = len(r.leverandorer) == 1
    kort = "".join(f'<section><h2>{_e(t)}</h2><div class="diagram" id="{i}">{svg}</div></section>'
                   for i, t, svg in _diagrammer(r, navn_paa))
    overskrift = (f"Nøkkeltall for {_e(navn_paa(r.leverandorer[0].leverandor_id))}" if en
                  else "Leverandørene side om side")
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(tittel)} – {_e(periode)}</title><style>{_CSS}</style></head>
<body data-diagrammer="{kort.count('<svg')}"><header><h1>{_e(tittel)}</h1>
<p>Periode: {_e(periode)} · {'Leverandør' if en else 'Leverandører'}: {_e(lev)} ·
Laget {_e(tidspunkt(r.laget))} (norsk tid)</p>
</header><main>
<section><h2>{overskrift}</h2>{_sammenligning(r, navn_paa)}
<p class="forklaring">Andel levert = levert ordinær tid opp til bestilt tid, delt på bestilt tid
(R28a). Kontinuitet = antall ulike ansatte en bruker møtte i dag 1–14 og 15–28 i hver måned
(R28a). Frister: andel overholdt av de avgjorte (overholdt + brutt); grønt ≥ 90 %.
«–» betyr ingen data (for eksempel ingen bestilt tid).</p></section>
<p class="forklaring">I diagrammene står verdien over hver stolpe: «0 %» er et resultat på null,
mens en måned eller regel uten stolpe og uten verdi har ingen data.</p>
<div class="kort">{kort}</div>
<section><h2>Ikke betalbare timer per årsak (R18, R20, R23)</h2>{_avvik(r, navn_paa)}</section>
</main>
</body></html>"""
