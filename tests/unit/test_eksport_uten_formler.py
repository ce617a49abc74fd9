"""The exports a person opens in a spreadsheet never run a cell as a formula (CSV injection)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from interfaces.rapport import csv_ut, xlsx_ut
from interfaces.rapport.formatting import som_tekst


def test_a_cell_that_would_be_a_formula_is_kept_as_text_and_numbers_stay_numbers() -> None:
    assert som_tekst('=HYPERLINK("http://x","klikk")') == '\'=HYPERLINK("http://x","klikk")'
    assert [som_tekst(x) for x in ("+47", "@SUM(A1)", "\tx", "-x", "-1,5", "-", "", "2care")] == \
        ["'+47", "'@SUM(A1)", "'\tx", "'-x", "-1,5", "'-", "", "2care"]


def test_csv_export_prefixes_formula_cells() -> None:
    ut = csv_ut._skriv([["Leverandør", "Beløp"], ["=1+1", "-12,50"]])  # noqa: SLF001
    rader = list(csv.reader(io.StringIO(ut.lstrip("\ufeff")), delimiter=";"))
    assert rader[1] == ["'=1+1", "-12,50"]


def test_xlsx_export_stores_a_leading_equals_sign_as_text_not_a_formula() -> None:
    wb = Workbook()
    wb.active.append(["=1+1", "=HYPERLINK(\"http://x\")", 3.5])
    ark = load_workbook(io.BytesIO(xlsx_ut._lagre(wb))).active  # noqa: SLF001
    assert [c.data_type for c in ark[1]] == ["s", "s", "n"]
    assert ark["A1"].value == "=1+1"
