"""End to end: a generated month for three providers through the import, then the invoice
control and the follow-up report, checked against figures computed from the generated data."""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Callable
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from application.app import BrukervalgApp
from interfaces.rapport import kontroll_csv, kontroll_xlsx, rapport_csv, rapport_html, rapport_xlsx
from projections import Projections
from projections.oppfolging import Oppfolging
from projections.oppfolging.kontroll import Avstemmingsstatus
from tests.oppfolging.generert import LEVERANDORER, MIN_PER_DAG, importer, lag_maaned


def _p90(v: list[int]) -> int:
    return sorted(v)[math.ceil(0.9 * len(v)) - 1]


@pytest.fixture
def kjort(lag_app: Callable[..., BrukervalgApp], klokke: object):  # type: ignore[no-untyped-def]
    app = lag_app("sqlite")
    m = lag_maaned(app, klokke)
    avvist = importer(app, m)
    with Projections(app) as p:
        o = Oppfolging(p)
        o.oppdater()
        yield app, m, avvist, o


def test_import_rejects_each_kind_of_bad_line_with_its_rule(kjort) -> None:  # type: ignore[no-untyped-def]
    _, m, avvist, _ = kjort
    assert avvist == m.avvisninger


def test_invoice_control_against_generated_expectations(kjort) -> None:  # type: ignore[no-untyped-def]
    _, m, _, o = kjort
    for lev in LEVERANDORER:
        k = o.betalingskontroll(lev, 2026, 3, m.krav[lev])
        linjer = {x.bruker_id: x for x in k.linjer}
        egne = [b for b in m.brukere if b.leverandor == lev]
        for b in egne:
            x = linjer[b.bruker_id]
            assert x.bestilt_timer == Fraction(b.bestilt_min, 60), (lev, b)
            assert x.levert_timer == Fraction(b.innenfor_min + b.utenfor_min, 60)
            assert x.betalbare_timer == Fraction(b.betalbar_min, 60)
            assert abs(x.krevd_timer - Fraction(b.krevd_min, 60)) < Fraction(1, 200)
            forkl = dict(x.forklaring)
            # claims carry two decimals, so the last reason explained may be short by < 0.005 h
            naer = Fraction(1, 200)
            assert abs(forkl.get("over_vedtak", 0) - Fraction(b.over_min, 60)) < naer
            assert abs(forkl.get("utenfor_leveranseperiode", 0) - Fraction(b.utenfor_min, 60)) < naer
            assert abs(forkl.get("avbestilt", 0) - Fraction(b.avbestilt_min, 60)) < naer
            assert abs(forkl.get("uforklart", 0) - Fraction(b.avvist_min, 60)) < Fraction(1, 100)
            # every difference is explained down to the claim's rounding
            assert abs(sum(forkl.values(), Fraction(0)) - x.differanse_timer) < Fraction(1, 200)
            venter = (Avstemmingsstatus.UFORKLART if b.avvist_min else
                      Avstemmingsstatus.FORKLART if b.krevd_min > b.betalbar_min else Avstemmingsstatus.OK)
            assert x.status == venter
        assert k.betalbare_timer == Fraction(sum(b.betalbar_min for b in egne), 60)
        if lev == "2care":
            x = linjer[m.annen_bruker]
            assert x.status == Avstemmingsstatus.UTEN_GRUNNLAG and x.krevd_timer == Fraction(7, 2)
        # exports: CSV with decimal comma; xlsx with numbers
        rader = list(csv.reader(io.StringIO(kontroll_csv(k).lstrip("\ufeff")), delimiter=";"))
        assert rader[0][0] == "Bruker" and rader[-1][0] == "Sum"
        assert rader[-1][6] == f"{sum(b.betalbar_min for b in egne) / 60:.2f}".replace(".", ",")
        wb = load_workbook(io.BytesIO(kontroll_xlsx(k)))
        ws = wb["Betalingskontroll"]
        assert ws["G1"].value == "Betalbare timer"
        assert abs(sum(ws.cell(r, 7).value for r in range(2, ws.max_row + 1))
                   - sum(b.betalbar_min for b in egne) / 60) < 0.05
        assert ws["G2"].number_format == "#,##0.00"


def test_follow_up_report_against_generated_expectations(kjort) -> None:  # type: ignore[no-untyped-def]
    _, m, _, o = kjort
    r = o.rapport("2026-02", "2026-03")
    per = {lr.leverandor_id: lr for lr in r.leverandorer}
    assert set(LEVERANDORER) <= set(per)
    for lev in LEVERANDORER:
        egne = [b for b in m.brukere if b.leverandor == lev]
        t = per[lev].maaneder["2026-03"]
        assert t.brukere_betjent == len(egne)
        assert t.besok == sum(len(b.besok) for b in egne)
        assert t.levert_timer == Fraction(sum(b.innenfor_min + b.utenfor_min for b in egne), 60)
        assert t.betalbare_timer == Fraction(sum(b.betalbar_min for b in egne), 60)
        assert t.avbestillinger == sum(1 for b in egne if b.avbestilt_min)
        assert per[lev].maaneder["2026-02"].besok == 0
        # continuity: distinct staff per user in days 1-14 and 15-28
        vinduer = []
        for b in egne:
            for lo, hi in ((1, 14), (15, 28)):
                ansatte = {a for d, _, a in b.besok if lo <= d.day <= hi}
                if ansatte:
                    vinduer.append(len(ansatte))
        assert t.kontinuitet_median == statistics.median(vinduer)
        assert t.kontinuitet_p90 == _p90(vinduer)
        if lev == "fjordomsorg":  # no switches touch it: ordered time is only our users'
            assert t.bestilt_timer == Fraction(sum(b.bestilt_min for b in egne), 60)
            levert_innenfor = sum(min(b.innenfor_min + b.utenfor_min, b.bestilt_min)
                                  for b in egne)
            assert t.andel_levert == pytest.approx(levert_innenfor / sum(b.bestilt_min
                                                                          for b in egne))
    assert per["2care"].periode.bytter_ut == 1 and per["nordlys"].periode.bytter_inn == 1
    assert per["nordlys"].andel_bytter_ut_innen_90 == 0.0
    assert per["nordlys"].periode.bekymringsmeldinger == 1
    assert per["nordlys"].periode.frister["R21"].overholdt == 1
    assert per["2care"].periode.avvik_registrert == 1
    assert MIN_PER_DAG == 30
    # renderers: CSV, xlsx and HTML carry the figures with Norwegian labels
    tekst = rapport_csv(r)
    assert "Andel av bestilt tid levert" in tekst and "Leverandør" in tekst
    bok = load_workbook(io.BytesIO(rapport_xlsx(r, {"2care": "2care hjemmetjenester"})))
    maaned, periode = bok["Per måned"], bok["Periode totalt"]
    assert [c.value for c in maaned[1]][:3] == ["Leverandør-id", "Leverandør", "Måned"]
    # the month rows hold months only; the totals stand on their own sheet, one per provider
    assert {rad[2] for rad in maaned.iter_rows(min_row=2, values_only=True)} == set(r.maaneder)
    assert periode.max_row - 1 == len(r.leverandorer)
    assert {rad[2] for rad in periode.iter_rows(min_row=2, values_only=True)} == {
        f"{r.fra}–{r.til}"}
    # every figure is a number: met / breached / open are three numeric columns per rule
    hode = [c.value for c in maaned[1]]
    for ark in (maaned, periode):
        for rad in ark.iter_rows(min_row=2, values_only=True):
            assert all(v is None or isinstance(v, int | float) for v in rad[3:]), rad
    r11 = hode.index("R11 Varsel hjemmesykepleie overholdt")
    assert hode[r11 + 1: r11 + 3] == ["R11 Varsel hjemmesykepleie brutt",
                                      "R11 Varsel hjemmesykepleie åpne"]
    assert sum(rad[hode.index("R21 Videresending bekymringsmelding overholdt")]
               for rad in periode.iter_rows(min_row=2, values_only=True)) >= 1
    assert any(rad[1] == "2care hjemmetjenester"
               for rad in maaned.iter_rows(min_row=2, values_only=True))
    side = rapport_html(r)
    assert "Kontraktsoppfølging" in side and "http://" not in side.replace(
        "http://www.w3.org/2000/svg", "")
