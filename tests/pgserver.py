"""A throwaway PostgreSQL server for the test suite and the benchmarks.

The suite starts its own server from the PostgreSQL binaries on the machine (initdb, pg_ctl), in a
temporary directory, on a free loopback port, and removes it afterwards. PostgreSQL refuses to run
as root, so when we are root the server runs as the ``postgres`` system user (or, if that user is
missing, as an unprivileged user this module creates).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

import psycopg

SERVER_USER = "postgres"
APP_USER = "brukervalg"
APP_PASSWORD = "brukervalg"  # a throwaway server on loopback only


def _find_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise RuntimeError(
        f"PostgreSQL binary {name!r} not found: install the PostgreSQL server "
        "(Debian: apt-get install postgresql) to run the PostgreSQL tests"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_os_user() -> str | None:
    """Return the OS user to run the server as (None: the current user)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=True,
        )
    return SERVER_USER


@dataclass
class ThrowawayPostgres:
    """Start with ``start()``, stop with ``stop()``; ``env(dbname)`` gives eventsourcing settings."""

    port: int = field(default_factory=_free_port)
    datadir: str = ""
    durable: bool = False
    """Keep fsync and synchronous_commit on (an acknowledged commit survives a crash)."""
    _os_user: str | None = None

    def _run(self, argv: list[str]) -> None:
        if self._os_user:
            argv = ["runuser", "-u", self._os_user, "--", *argv]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> ThrowawayPostgres:
        self._os_user = _ensure_os_user()
        self.datadir = tempfile.mkdtemp(prefix="brukervalg-pg-")
        if self._os_user:
            info = pwd.getpwnam(self._os_user)
            os.chown(self.datadir, info.pw_uid, info.pw_gid)
        self._run([_find_bin("initdb"), "-D", self.datadir, "-U", "postgres", "--auth=trust",
                   "--encoding=UTF8", "--locale=C.UTF-8"])
        self._pg_ctl_start()
        with self.admin() as conn:
            conn.execute(f"CREATE ROLE {APP_USER} LOGIN SUPERUSER PASSWORD '{APP_PASSWORD}'")
        return self

    def _pg_ctl_start(self) -> None:
        fart = "" if self.durable else ("-c fsync=off -c synchronous_commit=off "
                                        "-c full_page_writes=off ")
        opts = (f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 {fart}"
                "-c max_connections=200")
        self._run([_find_bin("pg_ctl"), "-D", self.datadir, "-o", opts, "-w", "-t", "60",
                   "-l", os.path.join(self.datadir, "server.log"), "start"])

    def crash(self) -> None:
        """Stop the server at once, as a crash would (``pg_ctl stop -m immediate``); the data
        stays, and ``restart()`` starts it again (with crash recovery)."""
        self._run([_find_bin("pg_ctl"), "-D", self.datadir, "-m", "immediate", "-w", "stop"])

    def restart(self) -> None:
        self._pg_ctl_start()

    def admin(self, dbname: str = "postgres") -> psycopg.Connection:
        deadline = time.monotonic() + 30
        while True:
            try:
                return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                                       dbname=dbname, autocommit=True)
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def create_database(self, dbname: str) -> str:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{dbname}" OWNER {APP_USER}')
        return dbname

    def env(self, dbname: str) -> dict[str, str]:
        """Settings that select this server for an eventsourcing application."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": APP_USER,
            "POSTGRES_PASSWORD": APP_PASSWORD,
        }

    def dsn(self, dbname: str) -> str:
        return (f"host=127.0.0.1 port={self.port} dbname={dbname} "
                f"user={APP_USER} password={APP_PASSWORD}")

    def stop(self) -> None:
        if not self.datadir:
            return
        try:
            self._run([_find_bin("pg_ctl"), "-D", self.datadir, "-m", "immediate", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.datadir, ignore_errors=True)
        self.datadir = ""

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
