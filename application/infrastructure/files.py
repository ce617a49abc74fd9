"""Store files readable by their owner only (0600): they hold health data.

SQLite creates a database file with mode 0644 less the umask, and gives its ``-wal`` and ``-shm``
files the database file's mode. So the database file is created here, 0600, before SQLite opens
it; a file already there with group or other bits (from an older version) is tightened, and so
are its WAL and SHM files if present.
"""

from __future__ import annotations

import os
import stat

EIER_MODUS = 0o600


def sqlite_filsti(db_name: str) -> str | None:
    """The file behind an SQLite name, or None for an in-memory database."""
    if db_name in ("", ":memory:") or "mode=memory" in db_name:
        return None
    return db_name.removeprefix("file:").split("?", 1)[0]


def eierfil(sti: str) -> None:
    """Create ``sti`` empty with mode 0600, or take group and other bits off an existing one."""
    try:
        fd = os.open(sti, os.O_WRONLY | os.O_CREAT | os.O_EXCL, EIER_MODUS)
    except FileExistsError:
        modus = stat.S_IMODE(os.stat(sti).st_mode)
        if modus & 0o077:
            os.chmod(sti, modus & 0o700)
    else:
        os.close(fd)


def beskytt_sqlite(db_name: str) -> None:
    """Before SQLite opens ``db_name``: the database 0600, and its WAL/SHM files if they exist."""
    sti = sqlite_filsti(db_name)
    if sti is None:
        return
    eierfil(sti)
    for endelse in ("-wal", "-shm"):
        if os.path.exists(sti + endelse):
            eierfil(sti + endelse)
