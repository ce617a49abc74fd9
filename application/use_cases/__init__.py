"""The use cases, one module per aggregate: load, decide (``domain/``), save (``application/base.py``)."""
