"""The deadline worklist as a printable Norwegian HTML page (Oslo times), no script needed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from domain.frister import Frist
from interfaces import norsk
from projections.arbeidsliste import Arbeidsliste, Opptelling

_REGLER = {
    "varsel_pasientovergang": "Varsle leverandøren før oppstart (Pasientovergang)",
    "varsel_utvidelse": "Varsle leverandøren om utvidet vedtak",
    "varsel_forlengelse": "Varsle leverandøren om forlenget vedtak",
    "oppstart_2t": "Starte tjenesten innen 2 timer etter telefonvarsel",
    "oppstart_14d": "Starte praktisk bistand innen 2 uker",
    "videresending": "Videresende bekymringsmelding til bydelen straks",
    "svar_revurdering": "Svare på revurdering innen neste virkedag",
    "klagefrist": "Klagefristen løper (brukerens frist)",
}
_SKYLDIG = {"bydel": "bydelen", "leverandor": "leverandøren", "bruker": "brukeren"}


def frist_tekst(frist: Frist) -> str:
    """A deadline as a person reads it, in Oslo time: "onsdag 1. april 2026 kl. 14:00"; one not
    met at the instant itself (R16's midnight) "før ..."; a date "innen utgangen av ..."."""
    if frist.dato is not None:
        return f"innen utgangen av {norsk.dato_lang(frist.dato)}"
    assert frist.tidspunkt is not None
    tekst = norsk.tidspunkt_lang(frist.tidspunkt)
    return tekst if frist.inklusiv else f"før {tekst}"


_STIL = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ccc; }
th { background: #f1f1f1; } tr.forfalt td { background: #fde2e1; }
.merke { font-weight: 600; } .forfalt .merke { color: #a10000; }
"""


def _id(ident: str) -> str:
    return ident


def arbeidsliste_html(tittel: str, liste: Arbeidsliste, naa: datetime,
                      navn: Callable[[str], str] = _id) -> str:
    """``navn``: a provider's name by its id (``Referansedata.navn``), what a person reads."""
    rader = "".join(
        f"<tr class='{'forfalt' if x.forfalt else 'apen'}'>"
        f"<td>{escape(x.regel)}</td><td>{escape(_REGLER.get(x.plikt, x.plikt))}</td>"
        f"<td>{escape(_SKYLDIG.get(x.skyldig, x.skyldig))}</td>"
        f"<td>{escape(frist_tekst(x.fristen))}</td>"
        f"<td class='merke'>{escape('Forfalt' if x.forfalt else x.forfall)}</td>"
        f"<td>{escape(norsk.med_oslo_tider(x.utlost_av))}</td><td>{escape(x.bruker_id)}</td>"
        f"<td>{escape(navn(x.leverandor_id) if x.leverandor_id else '')}</td></tr>"
        for x in liste.elementer)
    tom = "" if liste.elementer else "<p>Ingen utestående frister.</p>"
    return (
        "<!doctype html><html lang='nb'><head><meta charset='utf-8'>"
        f"<title>{escape(tittel)}</title><style>{_STIL}</style></head><body>"
        f"<h1>{escape(tittel)}</h1>"
        f"<p>Per {escape(norsk.tidspunkt_lang(naa))} (Oslo-tid): {liste.totalt} utestående, "
        f"<span class='merke'>{liste.forfalt} forfalt</span>.</p>{tom}"
        "<table><thead><tr><th>Regel</th><th>Hva</th><th>Skyldes av</th><th>Frist</th>"
        "<th>Forfall</th><th>Utløst av</th><th>Bruker</th><th>Leverandør</th></tr></thead>"
        f"<tbody>{rader}</tbody></table></body></html>")


def oversikt_html(tall: list[Opptelling], naa: datetime,
                  navn: Callable[[str], str] = _id) -> str:
    """``navn``: a provider's or a bydel's name by its id (``Referansedata.navn``)."""
    rader = "".join(
        f"<tr><td>{escape(navn(x.leverandor_id) if x.leverandor_id else '–')}</td>"
        f"<td>{escape(navn(x.bydel) if x.bydel else '–')}</td>"
        f"<td>{escape(_SKYLDIG.get(x.skyldig, x.skyldig))}</td><td>{x.apne}</td>"
        f"<td>{x.forfalte}</td></tr>" for x in tall)
    return (
        "<!doctype html><html lang='nb'><head><meta charset='utf-8'>"
        f"<title>Fristoversikt</title><style>{_STIL}</style></head><body>"
        "<h1>Utestående frister per leverandør og bydel</h1>"
        f"<p>Per {escape(norsk.tidspunkt_lang(naa))} (Oslo-tid).</p>"
        "<table><thead><tr><th>Leverandør</th><th>Bydel</th><th>Skyldes av</th><th>Åpne</th>"
        f"<th>Forfalt</th></tr></thead><tbody>{rader}</tbody></table></body></html>")
