"""Import of a provider's monthly time report (tidsrapport): visits and cancellations from CSV.

Every line is checked by the same domain rules as a single command (``leveranse.Tidsrapport``
applies ``sjekk_besok``, ``besok_registrert``, ``sjekk_besok_paa_leveranse``, ...). The visit is
recorded on the uploading provider's delivery for that user and tjenestetype covering the visit's
date (else its nearest one, so that time outside the period becomes a reported deviation, R18).
Re-uploading a file records nothing twice (the same visit and the same cancellation are
recognised). In strict mode nothing is recorded if any line is rejected.

The modules, in the order a file meets them:

- ``format``: the CSV format, its header and rows, the file's sha256 and whole-file checks;
- ``pipeline``: ``Tidsrapportimport``, the chunks and the three threads (read, decide, save);
- ``kolonnelesing`` and ``kolonner``: the column-wise path (polars) for chunks it can accept
  whole, and the stored form of their events;
- ``linjer``: the line-by-line path through the domain, for every other chunk;
- ``oppslag``: the states read and kept while importing, and a line's delivery;
- ``kvittering``: the receipts and the summary.

The use case is ``BrukervalgApp.importer_tidsrapport`` (``application/app.py``).
"""

from application.tidsrapport.format import KOLONNER, PAKREVDE, Filfeil, fra_bytes, fra_tekst
from application.tidsrapport.kvittering import (
    KVITTERING_HODE,
    Linjekvittering,
    Linjestatus,
    Sammendrag,
    kvittering_csv_linje,
)
from application.tidsrapport.pipeline import Tidsrapportimport

__all__ = ["KOLONNER", "KVITTERING_HODE", "PAKREVDE", "Filfeil", "Linjekvittering", "Linjestatus",
           "Sammendrag", "Tidsrapportimport", "fra_bytes", "fra_tekst", "kvittering_csv_linje"]
