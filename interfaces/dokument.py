"""A printable klagesak document (HTML, A4, Norwegian) from a klagesak export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from domain.kalender import lokal
from interfaces.norsk import tall, tidspunkt

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; }
.meta { color: #444; margin-bottom: 8pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef2f7; font-weight: 600; }
td.pos, td.tid { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; color: #555; }
.korr { background: #fff7e0; } .frist-brutt { color: #a40000; font-weight: 600; }
footer { margin-top: 14pt; font-size: 8pt; color: #555; }
"""


def _t(verdi: str | None) -> str:
    if not verdi:
        return ""
    if "T" in verdi:
        return f"{lokal(datetime.fromisoformat(verdi)):%d.%m.%Y %H:%M}"
    return f"{verdi[8:10]}.{verdi[5:7]}.{verdi[0:4]}"


def klagesak_html(doc: dict[str, Any], navn: str, generert: datetime,
                  navn_paa: Callable[[str], str] = lambda x: x) -> str:
    """Render the export: the as-of state (if any), then every fact with actor and chain link.

    ``navn_paa`` turns provider and bydel ids into the names a reader knows.
    """
    rader = []
    for p in doc["tidslinje"]:
        a = p["aktor"]
        klasse = ' class="korr"' if p.get("korrigerer") else ""
        rader.append(
            f"<tr{klasse}><td class='pos'>{p['posisjon'] or ''}</td>"
            f"<td class='tid'>{_t(p['registrert'])}</td>"
            f"<td class='tid'>{_t(str(p['virkning']))}</td><td>{escape(p['beskrivelse'])}</td>"
            f"<td>{escape(a['person_id'])}<br><small>{escape(a['rolle'])}, {escape(a['organisasjon'])}"
            f"</small></td><td class='hash'>{(p['hash'] or '')[:16]}</td></tr>")
    tilstand = ""
    if doc.get("tilstand_per"):
        s = doc["tilstand_per"]
        frister = "".join(
            f"<li class='{'frist-brutt' if f['overskredet'] else ''}'>{escape(f['regel'])}: "
            f"{escape(f['beskrivelse'])} — frist {_t(str(f['frist']))}"
            f"{' (overskredet)' if f['overskredet'] else ''}</li>" for f in s["apne_frister"])
        leverandorer = "".join(f"<li>{escape(t.replace('_', ' '))}: {escape(navn_paa(lev))}</li>"
                               for t, lev in s["gjeldende_leverandor"].items())
        vedtak = "".join(
            f"<li>{escape(v['tjenestetype'].replace('_', ' '))}: {_t(v['gyldig_fra'])}–"
            f"{_t(v['gyldig_til']) or 'løpende'}, {v['omfang_minutter'] or 0} min per "
            f"{v['omfang_per_uker'] or 1} uke(r)</li>" for v in s["vedtak"])
        tilstand = (f"<h2>Slik saken var kjent {_t(s['tidspunkt'])}</h2>"
                    f"<p>{escape(navn_paa(s['bydel']))}"
                    f"{'; død ' + _t(s['dodsdato']) if s['dodsdato'] else ''}</p>"
                    f"<p><b>Vedtak</b></p><ul>{vedtak or '<li>ingen</li>'}</ul>"
                    f"<p><b>Leverandør</b></p><ul>{leverandorer or '<li>ingen</li>'}</ul>"
                    f"<p><b>Åpne frister</b></p><ul>{frister or '<li>ingen</li>'}</ul>")
        tilstand += (f"<p class='meta'>Bygget av {tall(s['antall_fakta'])} fakta registrert til og med "
                     "tidspunktet.</p>")
    hode = doc.get("kjedehode") or {}
    return f"""<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Klagesak – {escape(navn)}</title>
<style>{_CSS}</style></head><body>
<h1>Klagesak: historikk for {escape(navn)}</h1>
<div class="meta">Bruker-id {escape(doc['bruker_id'])} · utskrevet {tidspunkt(generert)} (norsk tid) ·
{tall(len(doc['tidslinje']))} fakta</div>
{tilstand}
<h2>Alle registrerte fakta</h2>
<table><thead><tr><th>Pos.</th><th>Registrert</th><th>Gjelder fra</th><th>Hva</th><th>Registrert av</th>
<th>Kjedelenke</th></tr></thead><tbody>{''.join(rader)}</tbody></table>
<footer>Hver linje er et lagret faktum; ingenting er endret eller slettet, og rettelser står som egne
linjer (uthevet) som viser til det de retter. Posisjon og kjedelenke kan kontrolleres mot kjedens
signerte sjekkpunkt (kjedehode ved utskrift: posisjon {hode.get('posisjon', '–')},
hash {escape(str(hode.get('hash', '–')))}).</footer>
</body></html>"""
