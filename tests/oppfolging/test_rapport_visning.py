"""R28/R28a as a person reads the follow-up report: Oslo time, provider names, Norwegian
numbers, sensible chart ticks, a 0 % result drawn distinguishably from no data, a layout for one
provider. Built from figures made here (no store needed)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

from interfaces.norsk import kroner, prosent, tall, tidspunkt
from interfaces.rapport import rapport_csv, rapport_html
from interfaces.rapport.html_ut import hele_steg
from projections.oppfolging.rapport import Fristrad, Leverandorrapport, Oppfolgingsrapport, Tall

NAVN = {"2care": "2care hjemmetjenester", "nordlys": "Nordlys hjemmetjenester AS (demo)"}


def _lev(ident: str, andel_mars: int, belop: str) -> Leverandorrapport:
    mars = Tall(brukere_betjent=1, bestilt_timer=Fraction(10),
                levert_timer=Fraction(andel_mars, 10), betalbare_timer=Fraction(andel_mars, 10),
                levert_innenfor_bestilt_timer=Fraction(andel_mars, 10), belop=Decimal(belop))
    mars.frister["R11"] = Fristrad(overholdt=0, brutt=2)  # a real 0 %
    april = Tall()  # nothing ordered: no share at all
    periode = Tall(brukere_betjent=1, bestilt_timer=Fraction(10),
                   levert_timer=mars.levert_timer, betalbare_timer=mars.betalbare_timer,
                   levert_innenfor_bestilt_timer=mars.levert_innenfor_bestilt_timer,
                   belop=Decimal(belop))
    periode.frister["R11"] = Fristrad(overholdt=0, brutt=2)
    return Leverandorrapport(ident, "2026-03", "2026-04", {"2026-03": mars, "2026-04": april},
                             periode)


LAGET = datetime(2026, 6, 2, 5, 17, tzinfo=UTC)  # 07:17 in Oslo (summer time)


def test_norske_tall_og_oslo_tid() -> None:
    assert tall(1833) == "1\xa0833"
    assert tall(1833.456, 1) == "1\xa0833,5"
    assert prosent(0.925) == "92,5\xa0%"
    assert kroner(Decimal("12345.5")) == "12\xa0345,50\xa0kr"
    assert tidspunkt(LAGET) == "02.06.2026 07:17"


def test_r28_hele_tikk_for_antall() -> None:
    assert hele_steg(1) == [0, 1]
    assert hele_steg(3) == [0, 1, 2, 3]
    assert hele_steg(17.2) == [0, 5, 10, 15, 20]
    assert hele_steg(0) == [0, 1]
    assert all(isinstance(x, int) for x in hele_steg(0.8))


def test_r28_rapporten_med_navn_oslo_tid_og_synlig_null() -> None:
    r = Oppfolgingsrapport("2026-03", "2026-04", LAGET,
                           [_lev("2care", 0, "12345.50"), _lev("nordlys", 95, "1000")])
    side = rapport_html(r, navn=NAVN)
    tekst = re.sub(r"<[^>]+>", " ", side).replace("\xa0", " ")
    assert "Laget 02.06.2026 07:17 (norsk tid)" in tekst
    assert "2care hjemmetjenester" in tekst and "Nordlys hjemmetjenester AS (demo)" in tekst
    assert "Leverandørene side om side" in tekst
    assert "12 345,50 kr" in tekst  # thousands separator in amounts
    andel = side.split('id="diagram-andel"')[1].split("</svg>")[0]
    # 0–100 % in steps of 20, never 108 %
    for tikk in ("0 %", "20 %", "40 %", "60 %", "80 %", "100 %"):
        assert f">{tikk}<" in andel.replace("\xa0", " ")
    assert "108" not in andel
    # printed on the bar: 2care's 0 % in March reads "0 %"; April (nothing ordered) prints nothing
    verdier = re.findall(r'<text[^>]*class="value"[^>]*>([^<]*)<', andel)
    assert "0\xa0%" in verdier and "95\xa0%" in verdier
    assert len(verdier) == 2  # two providers × March; April (no data) prints nothing
    # the R11 share 0 % is printed too
    frister = side.split('id="diagram-frister"')[1].split("</svg>")[0]
    assert "0\xa0%" in re.findall(r'<text[^>]*class="value"[^>]*>([^<]*)<', frister)
    # CSV stays machine-readable: no thousands separator, ids
    csv = rapport_csv(r)
    assert "12345,50" in csv and "\xa0" not in csv and ";2care;" not in csv.split("\n")[0]


def test_r28_en_leverandor_er_ikke_side_om_side() -> None:
    r = Oppfolgingsrapport("2026-03", "2026-04", LAGET, [_lev("nordlys", 95, "1000")])
    tekst = re.sub(r"<[^>]+>", " ", rapport_html(r, navn=NAVN))
    assert "side om side" not in tekst
    assert "Nøkkeltall for Nordlys hjemmetjenester AS (demo)" in tekst
