"""One place that turns the process environment into event-store settings.

``BRUKERVALG_STORE`` selects the store: ``sqlite`` (default: a file in the working directory,
zero setup), ``postgres`` (production; the ``POSTGRES_*`` variables), or ``memory`` (tests).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from eventsourcing.utils import get_topic

from application.infrastructure.persistence import HendelseMapper, OrjsonTranscoder

STANDARD_SQLITE_FIL = "brukervalg.db"


class StoreSettingsError(ValueError):
    """The environment asks for something we cannot do."""


# Every stored fact is linked into the tamper-evident chain: both stores use the chained recorders.
LEDGER_SQLITE = "application.infrastructure.ledger.sqlite"
LEDGER_POSTGRES = "application.infrastructure.ledger.postgres"
# The chained recorders, plus rows a caller writes in the events' transaction (the API's log).
RECORDER_SQLITE = "application.infrastructure.recorders:SQLiteRecorder"
RECORDER_POSTGRES = "application.infrastructure.recorders:PostgresRecorder"


def event_store_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """eventsourcing settings for the configured store (its keys: ``application/nokler.py``)."""
    environ = dict(os.environ if environ is None else environ)
    store = environ.get("BRUKERVALG_STORE", "sqlite").lower()
    env: dict[str, str] = {
        "TRANSCODER_TOPIC": get_topic(OrjsonTranscoder),
        "MAPPER_TOPIC": get_topic(HendelseMapper),
    }
    if store == "sqlite":
        env["PERSISTENCE_MODULE"] = LEDGER_SQLITE
        env["SQLITE_DBNAME"] = environ.get("BRUKERVALG_SQLITE_PATH", STANDARD_SQLITE_FIL)
        env["SQLITE_LOCK_TIMEOUT"] = environ.get("SQLITE_LOCK_TIMEOUT", "10")
        env["APPLICATION_RECORDER_TOPIC"] = RECORDER_SQLITE
    elif store == "postgres":
        env["PERSISTENCE_MODULE"] = LEDGER_POSTGRES
        for key, value in environ.items():
            if key.startswith("POSTGRES_"):
                env[key] = value
        if environ.get("POSTGRES_ENABLE_DB_FUNCTIONS", "").lower() in {"y", "yes", "t", "true", "1"}:
            # Skips the table lock: readers could miss events and the chain could fork.
            raise StoreSettingsError("POSTGRES_ENABLE_DB_FUNCTIONS must stay off")
        env["POSTGRES_ENABLE_DB_FUNCTIONS"] = "n"
        env["APPLICATION_RECORDER_TOPIC"] = RECORDER_POSTGRES
    elif store == "memory":
        env["PERSISTENCE_MODULE"] = "eventsourcing.popo"
    else:
        raise StoreSettingsError(f"BRUKERVALG_STORE={store!r}: use sqlite, postgres or memory")
    return env
