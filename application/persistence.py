"""How events are stored: pydantic → JSON (orjson) → optional compression and encryption.

The mapper owns schema evolution: every stored event carries its schema version (``_skjema``);
reading an older version runs the event class's ``oppgrader`` before validation (upcasting).

Reading is the hot path of every read model and of the klagesak: an event stored in the current
schema is validated straight from its JSON bytes (pydantic's own parser), without first building
a Python dict; anything else (an older schema, no schema key) takes the general path.
"""

from __future__ import annotations

import functools
from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from domain.felles import Hendelse

SKJEMA_NOKKEL = "_skjema"


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


class HendelseMapper(Mapper):
    """Maps pydantic domain events to stored events and back, upcasting old schema versions."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        event: Hendelse = domain_event
        data = event.model_dump(mode="json")
        data[SKJEMA_NOKKEL] = type(event).SKJEMA
        state = self.transcoder.encode(data)
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(originator_id=event.originator_id,
                           originator_version=event.originator_version,
                           topic=get_topic(type(event)), state=state)

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
        cls = _klasse(topic)
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        hale = _gjeldende_hale(cls) if isinstance(self.transcoder, OrjsonTranscoder) else None
        if hale is not None and state.endswith(hale):
            # Written by to_stored_event in the current schema: the schema key is the object's
            # last member (orjson keeps insertion order), so cutting it off leaves the event's
            # own JSON, which pydantic validates as it would the decoded dict.
            return cls.model_validate_json(state[:-len(hale)] + b"}")
        data: dict[str, Any] = self.transcoder.decode(state)
        skjema = data.pop(SKJEMA_NOKKEL, 1)
        if skjema < cls.SKJEMA:
            data = cls.oppgrader(data, skjema)
        return cls.model_validate(data)


@functools.cache
def _klasse(topic: str) -> type[Hendelse]:
    return resolve_topic(topic)  # type: ignore[no-any-return]


@functools.cache
def _gjeldende_hale(cls: type[Hendelse]) -> bytes:
    """How the stored bytes of ``cls`` in its current schema end: ``,"_skjema":N}``."""
    return b',"' + SKJEMA_NOKKEL.encode() + b'":' + str(cls.SKJEMA).encode() + b"}"
