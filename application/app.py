"""BrukervalgApp: the one write path. A method per use case; commands in, named errors out.

The class is composed: the plumbing (load at an expected version, save in one atomic save, the
index, the named errors) is ``application/base.py::AppBase``; the use cases are one module per
aggregate in ``application/use_cases/``; what stays here is opening the app from an entry point,
the time-report import and reading a user's events. The names callers import from here
(``Kvittering``, ``SamtidigEndring`` …) are re-exported."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO, TYPE_CHECKING, cast
from uuid import UUID

from application.base import (
    INDEKS_NAVNEROM,
    FodselsnummerIndeksert,
    Kvittering,
    Medfolgende,
    SamtidigEndring,
    Skrivevalg,
    UtdatertVersjon,
    brukstilfelle,
)
from application.infrastructure.persistence import HendelseMapper
from application.use_cases.bruker import BrukerUseCases
from application.use_cases.leveranse import LeveranseUseCases
from application.use_cases.vedtak import VedtakUseCases
from domain.begreper import (
    Aktor,
    Hendelse,
)

if TYPE_CHECKING:  # the import module imports this one
    from application.tidsrapport import Linjekvittering, Sammendrag

__all__ = [
    "BrukervalgApp",
    "INDEKS_NAVNEROM",
    "SamtidigEndring",
    "UtdatertVersjon",
    "FodselsnummerIndeksert",
    "Kvittering",
    "Medfolgende",
    "Skrivevalg",
    "brukstilfelle",
]


class BrukervalgApp(BrukerUseCases, VedtakUseCases, LeveranseUseCases):
    """The application: every use case, on the store the environment selects."""

    name = "brukervalg"

    mapper: HendelseMapper  # the library builds it from MAPPER_TOPIC (application/infrastructure/settings.py)

    @classmethod
    def aapne(cls, *, produksjon: bool, klokke: Callable[[], datetime] | None = None,
              env: dict[str, str] | None = None) -> BrukervalgApp:
        """The application as an entry point (server, CLI) opens it: only when its keys open
        the store (:meth:`sjekk_nokler`)."""
        app = cls(env=env, klokke=klokke, produksjon=produksjon)
        try:
            app.sjekk_nokler()
        except BaseException:
            app.close()
            raise
        return app

    def importer_tidsrapport(self, leverandor_id: str, filer: Callable[[], IO[str] | IO[bytes]],
                             aktor: Aktor, *, streng: bool = False,
                             kvittering: Callable[[Linjekvittering], None] | None = None,
                             fremdrift: Callable[[int], None] | None = None) -> Sammendrag:
        """Import one provider's time-report file: every line through the same domain checks as
        one visit (``domain/leveranse/beslutninger.py::registrer_besok``), one event per delivery and chunk.

        ``filer()`` opens the file (more than once: for its sha256, and in strict mode for a
        check pass in which nothing is saved; ``streng``: one refused line and nothing is
        saved). ``kvittering`` gets every line's receipt, ``fremdrift`` the lines read so far.
        The work itself (format, line and column decisions, the pipeline) is in
        ``application/tidsrapport/``.

        Raises:
            Filfeil: the file as a whole cannot be read; nothing was recorded.
        """
        from application.tidsrapport import Tidsrapportimport

        return Tidsrapportimport(self, leverandor_id, aktor).importer(
            filer, streng=streng, kvittering=kvittering, fremdrift=fremdrift)

    def hendelser_for_bruker(self, bruker_id: UUID) -> list[Hendelse]:
        """Every fact about a user across Bruker, Vedtak and Leveranse, in recorded order."""
        b = self.bruker(bruker_id)
        ids = [b.id, *b.vedtak, *b.leveranser]
        alle = [cast(Hendelse, e) for i in ids for e in self.events.get(i)]
        return sorted(alle, key=lambda e: (e.timestamp, str(e.originator_id),
                                           e.originator_version))

