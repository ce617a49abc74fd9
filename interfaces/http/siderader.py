"""The HTTP side of ``application.base.Medfolgende``: a write's access-log entry and stored answer.

Every write through the API records an access-log entry (Normen) and, under an
Idempotency-Key, the answer it gave. Both go into the transaction of the command's events
(``BrukervalgApp._lagre`` asks for the writer, the chained recorder calls it with the cursor),
so there is one commit and either all of it is stored or none. A command that records nothing,
or a store without such a transaction (in memory), never calls the writer; ``skrevet`` then
stays False and ``Tjenester.skriv`` writes the rows in a transaction of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.app import Kvittering
from application.infrastructure.recorders import Skriver
from interfaces.http.api_tables import ApiTables, LagretSvar, Tilgangsoppforing


class Siderader:
    """One write's side rows, built from the command's receipt (implements ``Medfolgende``).

    ``svar`` makes the answer from the receipt, ``logg`` the access-log entry from the answer's
    status; ``nokkel`` is the caller's and the request's Idempotency-Key (the answer is stored
    only under one).
    """

    def __init__(self, tables: ApiTables, svar: Callable[[Kvittering], LagretSvar],
                 logg: Callable[[Kvittering, int], Tilgangsoppforing],
                 nokkel: tuple[str, str] | None) -> None:
        self._tables = tables
        self._svar = svar
        self._logg = logg
        self._nokkel = nokkel
        self.svaret: LagretSvar | None = None
        """The answer, once the receipt is known."""
        self.skrevet = False
        """Whether the rows went in with the events (the recorder called the writer)."""

    def skriver(self, kvittering: Kvittering) -> Skriver:
        svaret = self.svaret = self._svar(kvittering)
        eier, nokkel = self._nokkel or (None, None)
        skriv = self._tables.skriver([self._logg(kvittering, svaret.status)], eier, nokkel,
                                    svaret if nokkel else None)

        def skriv_og_merk(cursor: Any) -> None:
            skriv(cursor)
            self.skrevet = True

        return skriv_og_merk
