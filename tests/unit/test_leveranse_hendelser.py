"""The delivery's events keep the topics they were stored under.

A stored event names its class by topic (``module:ClassName``, ``eventsourcing.utils.get_topic``).
``domain/leveranse`` is a package of several modules, but its events must stay defined in
``domain/leveranse/__init__.py``: an event class defined in ``tilstand.py`` would get the topic
``domain.leveranse.tilstand:…`` and every stored event of that class would stop decoding.
"""

from __future__ import annotations

from eventsourcing.utils import get_topic, resolve_topic

from domain import leveranse as l_mod
from domain.begreper import Hendelse

# Every event class the delivery has ever stored; a new one is added here when it is made.
HENDELSER = (
    "AvbestillingerRapportert", "AvvikBehandlet", "AvvikRegistrert", "BekymringsmeldingMottatt",
    "BekymringsmeldingVideresendt", "BesokAvbestilt", "BesokRapportert", "BesokUtfort",
    "LeverandorVarslet", "LeveranseAvsluttet", "LeveranseBestilt", "LeveranseKnyttetTilVedtak",
    "LeveransePeriodeForlenget", "LeveranseStartet", "OppsigelseVarslet",
)


def test_every_delivery_event_keeps_its_stored_topic() -> None:
    for navn in HENDELSER:
        cls = getattr(l_mod, navn)
        assert get_topic(cls) == f"domain.leveranse:{navn}"
        assert resolve_topic(f"domain.leveranse:{navn}") is cls


def test_the_package_exports_no_event_that_is_not_in_the_list() -> None:
    """An event class added to (or re-exported by) the package is listed above, so its topic is
    checked too."""
    hendelser = {n for n, x in vars(l_mod).items()
                 if isinstance(x, type) and issubclass(x, Hendelse) and x is not Hendelse}
    assert hendelser == set(HENDELSER)
