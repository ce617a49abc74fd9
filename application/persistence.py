"""How events are stored: pydantic → JSON (orjson) → optional compression and encryption.

The mapper owns schema evolution: every stored event carries its schema version (``_skjema``);
reading an older version runs the event class's ``oppgrader`` before validation (upcasting).
"""

from __future__ import annotations

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
        cls = resolve_topic(stored_event.topic)
        return cls.model_validate(self.decode_state(stored_event))
