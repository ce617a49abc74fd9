"""How events are stored: pydantic → JSON (orjson) → optional compression and encryption.

The mapper owns schema evolution: every stored event carries its schema version (``_skjema``);
reading an older version runs the event class's ``oppgrader`` before validation (upcasting).

Reading is the hot path of every read model and of the klagesak: an event stored in the current
schema is validated straight from its JSON bytes (pydantic's own parser), without first building
a Python dict; anything else (an older schema, no schema key) takes the general path. Decoded
events share equal immutable parts (the actor, the aggregate id): thousands of events of one
case then hold one Aktor instead of thousands, which is memory and, above all, garbage-collector
work (every live container object is scanned again on each full collection).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from domain.begreper import Aktor, Hendelse

SKJEMA_NOKKEL = "_skjema"
# Distinct actors shared between decoded events (people x roles x organisations; beyond this,
# new actors are simply not shared).
MAKS_DELTE_AKTORER = 10_000


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


class HendelseMapper(Mapper[UUID]):
    """Maps pydantic domain events to stored events and back, upcasting old schema versions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typer: dict[str, tuple[type[Hendelse], bytes]] = {}
        self._aktorer: dict[tuple[str, str, str], Aktor] = {}
        self._forrige_id: Any = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        event: Hendelse = domain_event
        data = event.model_dump(mode="json")
        data[SKJEMA_NOKKEL] = type(event).SKJEMA
        state = self._pakk(self.transcoder.encode(data))
        return StoredEvent(originator_id=event.originator_id,
                           originator_version=event.originator_version,
                           topic=get_topic(type(event)), state=state)

    def _pakk(self, state: bytes) -> bytes:
        """The encoded event as stored: compressed, then encrypted (each if configured)."""
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return state

    def liste_lager(self, mal: Hendelse, felt: str) -> Callable[..., StoredEvent]:
        """Stored events like ``mal`` whose last field ``felt`` (a list, empty in ``mal``) holds
        JSON items given as bytes (comma-separated, each exactly as orjson writes the item's
        ``model_dump(mode="json")``), and which differ from ``mal`` only in their aggregate id,
        version, event id and some date fields:
        ``lager(originator_id, originator_version, hendelse_id, {"fom": date, ...}, elementer)``.

        For the time-report import, which writes a chunk's lines as JSON directly: the bytes are
        those ``to_stored_event`` gives for the event with those values and items (a test checks
        that), without building the event for each.
        """
        if not isinstance(self.transcoder, OrjsonTranscoder):
            raise TypeError("liste_lager needs the orjson transcoder")
        data = mal.model_dump(mode="json")
        if next(reversed(data)) != felt or data.pop(felt) != []:
            raise ValueError(f"{felt} must be the event's last field, and empty")
        felt_b, hale = b',"' + felt.encode() + b'":[', b"]" + _gjeldende_hale(type(mal))
        topic, pakk = get_topic(type(mal)), self._pakk

        def lager(originator_id: UUID, originator_version: int, hendelse_id: UUID,
                  datoer: dict[str, date], elementer: bytes) -> StoredEvent:
            verdier = dict(data)  # same keys, same order: only values change
            verdier["originator_id"] = str(originator_id)
            verdier["originator_version"] = int(originator_version)
            verdier["hendelse_id"] = str(hendelse_id)
            for navn, dato in datoer.items():
                if navn not in verdier or type(dato) is not date:
                    raise ValueError(f"{navn}: not a date field of {topic}")
                verdier[navn] = dato.isoformat()
            state = pakk(b"".join((orjson.dumps(verdier)[:-1], felt_b, elementer, hale)))
            return StoredEvent(originator_id=originator_id, originator_version=originator_version,
                               topic=topic, state=state)

        return lager

    def decode_state(self, stored: StoredEvent) -> dict[str, Any]:
        """The event's data as stored, decrypted and upcast, without building the event."""
        state = stored.state
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        data: dict[str, Any] = self.transcoder.decode(state)
        cls = resolve_topic(stored.topic)
        skjema = data.pop(SKJEMA_NOKKEL, 1)
        if skjema < cls.SKJEMA:
            data = cls.oppgrader(data, skjema)
        return data

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return self.fra_lagret(stored_event.topic, stored_event.state)

    def fra_lagret(self, topic: str, state: bytes) -> Any:
        """The event from its topic and stored bytes (decrypted, decompressed, upcast)."""
        kjent = self._typer.get(topic)
        if kjent is None:
            cls = resolve_topic(topic)
            hale = _gjeldende_hale(cls) if isinstance(self.transcoder, OrjsonTranscoder) else b""
            kjent = self._typer[topic] = (cls, hale)
        cls, hale = kjent
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        if hale and state.endswith(hale):
            # Written by to_stored_event in the current schema: the schema key is the object's
            # last member (orjson keeps insertion order), so cutting it off leaves the event's
            # own JSON, which pydantic validates as it would the decoded dict (this is what
            # model_validate_json calls, without its keyword handling).
            return self._del(cls.__pydantic_validator__.validate_json(state[:-len(hale)] + b"}"))
        data: dict[str, Any] = self.transcoder.decode(state)
        skjema = data.pop(SKJEMA_NOKKEL, 1)
        if skjema < cls.SKJEMA:
            data = cls.oppgrader(data, skjema)
        return self._del(cls.model_validate(data))

    def _del(self, e: Hendelse) -> Hendelse:
        """Let the new event share an equal actor and aggregate id with events decoded before.

        Both are immutable values (a frozen model, a UUID), so sharing one instance is invisible
        to every reader; the fields are swapped in the event's own storage right after
        validation, before anyone sees it (the frozen model refuses attribute assignment).
        """
        felt = e.__dict__
        aktor: Aktor = felt["aktor"]
        kjent = self._aktorer.get((aktor.person_id, aktor.rolle, aktor.organisasjon))
        if kjent is None:
            if len(self._aktorer) < MAKS_DELTE_AKTORER:
                self._aktorer[(aktor.person_id, aktor.rolle, aktor.organisasjon)] = aktor
        elif kjent is not aktor:
            felt["aktor"] = kjent
        oid, forrige = felt["originator_id"], self._forrige_id
        if oid == forrige:
            felt["originator_id"] = forrige
        else:
            self._forrige_id = oid
        return e


@functools.cache
def _gjeldende_hale(cls: type[Hendelse]) -> bytes:
    """How the stored bytes of ``cls`` in its current schema end: ``,"_skjema":N}``."""
    return b',"' + SKJEMA_NOKKEL.encode() + b'":' + str(cls.SKJEMA).encode() + b"}"
