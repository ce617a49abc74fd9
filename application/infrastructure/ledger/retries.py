"""Bounded retries for the store's calls: a brief fault is retried, an outage fails fast.

eventsourcing 9.5.6 retries each PostgreSQL call ten times on ``OperationalError`` /
``InterfaceError``, and each attempt may wait the pool's whole connect timeout for a connection.
With the database down, one HTTP request took 18–24 s (measured at
``POSTGRES_CONNECT_TIMEOUT=1``; ~100 s at the default 5) before it could answer 503: longer than
clients wait. Here a call is tried again for at most ``RETRY_SECONDS``: long enough to get past a
pool's worth of connections the server closed (each fails at once, as after a database restart),
short enough that an outage is answered within a few seconds.

psycopg_pool also reconnects with exponential backoff for five minutes: after a 30 s outage its
next attempt could be half a minute after the database is back. ``reconnect_promptly`` bounds
the backoff, so connections are made again within seconds of the database's return.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from eventsourcing.persistence import InterfaceError, OperationalError

RETRY_SECONDS = 2.0
"""How long a store call is tried again after a connection fault (then the fault is raised)."""
RETRY_WAIT = 0.1
RECONNECT_SECONDS = 5.0
"""The pool gives up one reconnection series after this long and starts a new one on demand,
so the gap between attempts stays a few seconds."""

F = TypeVar("F", bound=Callable[..., Any])


def undecorated(func: F) -> F:
    """The function under a library decorator (``functools.wraps`` keeps it as __wrapped__)."""
    inner: F = getattr(func, "__wrapped__", func)
    return inner


def bounded_retry(func: F) -> F:
    """``func`` (or the function the library's ``@retry`` wraps) retried for RETRY_SECONDS."""
    inner = undecorated(func)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                return inner(*args, **kwargs)
            except (InterfaceError, OperationalError):
                if time.monotonic() + RETRY_WAIT >= deadline:
                    raise
                time.sleep(RETRY_WAIT)

    return cast(F, wrapper)


def reconnect_promptly(datastore: Any) -> None:
    """Bound the pool's reconnection backoff (see the module's docstring)."""
    pool = getattr(datastore, "pool", None)
    if pool is not None and hasattr(pool, "reconnect_timeout"):
        pool.reconnect_timeout = RECONNECT_SECONDS
