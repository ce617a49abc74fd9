"""Idempotency-Key: one request's key, its fingerprint, the answer stored under it, its replay.

A client may repeat a write under the same ``Idempotency-Key`` (a retry after a timeout) and get
the first answer, with nothing recorded twice. The key is the caller's (the stored answers are
kept per identity), lives ``idempotens_timer`` hours, and may not be used for another request
(422). The answer is stored in the same transaction as the write's events
(``interfaces/http/siderader.py``); this module reads it, checks it and replays it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4, uuid5

import orjson
from litestar import Request, Response
from pydantic import BaseModel

from application.nokler import Lagernokler
from interfaces.http.api_tables import ApiTables, LagretSvar
from interfaces.http.problem import IdempotensKonflikt, Uleselig
from interfaces.http.skjema import IdLager

IDEMPOTENSNOKKEL = "Idempotency-Key"
NOKKEL_MONSTER = r"^[\x21-\x7e]{1,200}$"
_NOKKEL = re.compile(NOKKEL_MONSTER)
ID_NAVNEROM = UUID("0d5c3f5e-4b1a-4f43-9a8e-6c2b7e9d1a20")


class Idempotens:
    """The stored answers under the callers' keys (in ``ApiTables``), and how a key is read."""

    def __init__(self, tables: ApiTables, nokler: Lagernokler, timer: int) -> None:
        self._tables = tables
        self._nokler = nokler
        self._timer = timer

    @staticmethod
    def nokkel(request: Request) -> str | None:
        """The request's key (None without one); 400 naming the header if it is malformed."""
        verdi = request.headers.get(IDEMPOTENSNOKKEL)
        if verdi is None:
            return None
        if not _NOKKEL.match(verdi):
            raise Uleselig(IDEMPOTENSNOKKEL, "Idempotency-Key må være 1–200 synlige ASCII-tegn")
        return verdi

    def fingeravtrykk(self, request: Request, data: BaseModel) -> str:
        """What makes two requests the same one: method, path and body (keyed, never plain)."""
        innhold = orjson.dumps(data.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
        return self._nokler.fingeravtrykk(request.method.encode() + b" " +
                                          request.url.path.encode() + b"\n" + innhold)

    def eldste(self) -> datetime:
        """Answers stored before this are forgotten: their keys may be used again."""
        return datetime.now(UTC) - timedelta(hours=self._timer)

    def lagret(self, eier: str, nokkel: str, avtrykk: str) -> LagretSvar | None:
        """The answer stored under the key (None if there is none, or it expired).

        Raises IdempotensKonflikt when the key was used for another request.
        """
        lagret = self._tables.hent_svar(eier, nokkel, self.eldste())
        if lagret is not None and lagret.fingeravtrykk != avtrykk:
            raise IdempotensKonflikt(detail="Idempotency-Key er brukt før med en annen "
                                     "forespørsel")
        return lagret

    def rydd(self, eier: str, nokkel: str) -> bool:
        """Forget an expired answer under the key; True if one was in the way."""
        return self._tables.rydd_nokkel(eier, nokkel, self.eldste())

    @staticmethod
    def idlager(eier: str, nokkel: str | None) -> IdLager:
        """Ids of new facts: derived from the key, so a retry after a crash names the same facts."""
        if nokkel is None:
            return lambda _felt: uuid4()
        return lambda felt: uuid5(ID_NAVNEROM, f"{eier}\n{nokkel}\n{felt}")

    @staticmethod
    def gjenta(lagret: LagretSvar) -> Response[Any]:
        """The stored answer, sent again and marked as a replay."""
        return Response(lagret.body, status_code=lagret.status, media_type="application/json",
                        headers={**lagret.hoder, "Idempotent-Replayed": "true"})
