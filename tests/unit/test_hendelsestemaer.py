"""The stored topic of every Bruker and Vedtak event is part of the store's contract: a stored
event names its class as ``module:ClassName``, and a class that moved would make every stored
fact of it unreadable. So the module layout may change, the topics may not."""

from __future__ import annotations

from eventsourcing.utils import get_topic, resolve_topic

import domain.bruker
import domain.vedtak
from domain.begreper import Hendelse

LAGREDE_TEMAER = {
    "domain.bruker:BrukerRegistrert", "domain.bruker:BrukervalgInformasjonGitt",
    "domain.bruker:LeverandorValgt", "domain.bruker:LeverandorvalgKorrigert",
    "domain.bruker:LeverandorByttet", "domain.bruker:LeveranseTilknyttet",
    "domain.bruker:LeveranseperiodeEndret", "domain.bruker:VedtakTilknyttet",
    "domain.bruker:BytteBekreftelseSendt", "domain.bruker:FlyttetTilBydel",
    "domain.bruker:HusstandsinntektRegistrert", "domain.bruker:FlyttetUtAvKommunen",
    "domain.bruker:DodsfallRegistrert",
    "domain.vedtak:VedtakFattet", "domain.vedtak:VedtakMottatt",
    "domain.vedtak:RevurderingAnmodet", "domain.vedtak:RevurderingBesvart",
    "domain.vedtak:VedtakRevidert", "domain.vedtak:VedtakForlenget",
    "domain.vedtak:VedtakAvsluttet", "domain.vedtak:KlageMottatt", "domain.vedtak:KlageAvgjort",
}


def _hendelsesklasser() -> set[type[Hendelse]]:
    """Every event class the two aggregates' modules (and their submodules) define."""
    return {cls for modul in (domain.bruker, domain.vedtak) for cls in vars(modul).values()
            if isinstance(cls, type) and issubclass(cls, Hendelse) and cls is not Hendelse}


def test_hvert_bruker_og_vedtak_tema_er_uendret() -> None:
    assert {get_topic(cls) for cls in _hendelsesklasser()} == LAGREDE_TEMAER


def test_hvert_lagret_tema_leses_tilbake_til_sin_klasse() -> None:
    for tema in LAGREDE_TEMAER:
        cls = resolve_topic(tema)
        assert issubclass(cls, Hendelse) and get_topic(cls) == tema
