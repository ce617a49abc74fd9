"""The write side: commands, the event store, the ledger, the time-report import.

Polars (the time-report import's column-wise path) runs with one thread unless
``POLARS_MAX_THREADS`` says otherwise: the import already reads, decides and saves in three
threads, and on this class of machine polars' own threads cost more CPU than they saved
(``./bv bench tidsrapport``; docs/benchmarks.md). Set here, before anything imports polars.
"""

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")
