"""Rendering of the contract follow-up: CSV (``;``, decimal comma: what Norwegian Excel opens),
xlsx (openpyxl) and a self-contained HTML page with charts drawn by inline JavaScript as SVG
(no CDN, no network at view time). Computation lives in ``projections/oppfolging``."""

from interfaces.rapport.csv_ut import kontroll_csv, rapport_csv
from interfaces.rapport.html_ut import rapport_html
from interfaces.rapport.xlsx_ut import kontroll_xlsx, rapport_xlsx

__all__ = ["kontroll_csv", "kontroll_xlsx", "rapport_csv", "rapport_html", "rapport_xlsx"]
