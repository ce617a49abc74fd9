"""The SQLite store's writer lock, held across threads and across processes.

SQLite lets one connection write at a time. Within a process, eventsourcing's connection pool
already hands out one writer connection at a time (its writer lock). Several processes on one
file (``brukervalg server --workers 2``, or a CLI import beside a running server) otherwise
meet only on SQLite's own file lock, and a writer that finds it taken sleeps in SQLite's busy
handler for 1, 2, 5, 10 … ms before it looks again, which with two server processes put the
write p99 far above the target (the runs before and after this lock are in
``docs/benchmarks-http.md``).

:class:`WriterLock` takes the pool's place as that writer lock: the thread lock first, then an
exclusive ``flock`` on a file beside the database (``<db>-skrivelaas``). A process waiting for
it polls at short, doubling intervals (up to ``_LENGSTE_PAUSE``), so it writes soon after the other
commits. The kernel drops a crashed process's lock with its file descriptor.
Every write to the events file goes through the pool (the events with their chain links, the
API's access log and stored answers), so holding this lock means no other writer is active on
the file.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import weakref
from typing import Any

from eventsourcing.sqlite import SQLiteDatastore

ENDELSE = "-skrivelaas"
_FORSTE_PAUSE = 0.00002
_LENGSTE_PAUSE = 0.0002


def laasfil_for(db_name: str) -> str:
    """The lock file beside an SQLite database: ``/x/store.db`` -> ``/x/store.db-skrivelaas``."""
    return db_name.removeprefix("file:").split("?", 1)[0] + ENDELSE


class WriterLock:
    """A lock with ``threading.Lock``'s ``acquire(blocking, timeout)`` and ``release()``, held
    by one thread of one process at a time on the same file."""

    def __init__(self, sti: str) -> None:
        self.sti = sti
        self._traad = threading.Lock()
        self._fd = os.open(sti, os.O_RDWR | os.O_CREAT, 0o600)
        weakref.finalize(self, os.close, self._fd)
        self.eier: int | None = None
        """The thread holding it (``threading.get_ident()``), else None."""
        self.tatt = 0
        """How many times it has been taken: tells a caller whether its own call took it."""

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        start = time.monotonic()
        if not self._traad.acquire(blocking, timeout):
            return False
        try:
            if self._ta_fil(blocking, timeout, start):
                self.eier = threading.get_ident()
                self.tatt += 1
                return True
        except BaseException:
            self._traad.release()
            raise
        self._traad.release()
        return False

    def _ta_fil(self, blocking: bool, timeout: float, start: float) -> bool:
        pause = _FORSTE_PAUSE
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if not blocking:
                    return False
            igjen = None if timeout < 0 else timeout - (time.monotonic() - start)
            if igjen is not None and igjen <= 0:
                return False
            time.sleep(pause if igjen is None else min(pause, igjen))
            pause = min(pause * 2, _LENGSTE_PAUSE)

    def release(self) -> None:
        self.eier = None
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._traad.release()

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *_: Any) -> None:
        self.release()


def share_writer_lock(datastore: SQLiteDatastore) -> None:
    """Make the pool's writer lock a :class:`WriterLock` (for a database file, not memory).

    eventsourcing 9.5.6's ``ConnectionPool`` takes ``_writer_lock`` for every writer connection
    and releases it when the connection comes back (``get_connection(is_writer=True)`` /
    ``put_connection``); a test checks that two processes' writes are ordered by it.

    The pool keeps the writer lock when taking the connection fails after the lock was taken
    (no connection free in time, or opening one fails). In-process that stalls the process's
    writers; shared, it would stall every process on the file until this one stops. So the
    pool's ``get_connection`` gives the lock back when its own call took it and then failed.
    """
    pool = datastore.pool
    if pool.is_sqlite_memory_mode or isinstance(pool._writer_lock, WriterLock):  # noqa: SLF001
        return
    laas = WriterLock(laasfil_for(pool.db_name))
    setattr(pool, "_writer_lock", laas)  # replaces the library's threading lock (see above)  # noqa: B010
    hent = pool.get_connection

    def get_connection(timeout: float | None = None, *, is_writer: bool | None = None) -> Any:
        tatt_foer = laas.tatt
        try:
            return hent(timeout, is_writer=is_writer)
        except BaseException:
            if (is_writer is True and laas.eier == threading.get_ident()
                    and laas.tatt != tatt_foer):
                pool._num_writers -= 1  # noqa: SLF001
                laas.release()
            raise

    setattr(pool, "get_connection", get_connection)  # noqa: B010
