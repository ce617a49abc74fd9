"""Ledger-style audit: every stored event linked into one global hash chain (R26).

Writing: select ``PERSISTENCE_MODULE=application.infrastructure.ledger.sqlite`` or
``application.infrastructure.ledger.postgres``; the recorders there write one link per event in the event's
own transaction. Reading: :func:`verify` recomputes the chain from the events; signed
checkpoints (:func:`sign_checkpoint`) pin the history up to a position.
"""

from application.infrastructure.ledger.chain import (
    EMPTY_CHAIN,
    GENESIS_HASH,
    ChainHead,
    canonical_originator_id,
    ledger_table_name,
    link_hash,
)
from application.infrastructure.ledger.checkpoints import (
    Checkpoint,
    generate_private_key,
    load_checkpoint,
    load_private_key,
    public_key_hex,
    save_checkpoint,
    save_private_key,
    sign_checkpoint,
    verify_checkpoint,
)
from application.infrastructure.ledger.errors import (
    ChainBrokenError,
    CheckpointError,
    CheckpointSignatureError,
    LedgerConfigurationError,
    LedgerError,
    LedgerSourceError,
    LedgerWriteError,
    UntrustedCheckpointKeyError,
)
from application.infrastructure.ledger.sources import ChainSource, open_source
from application.infrastructure.ledger.verify import BreakKind, ChainBreak, Progress, VerifyReport, verify

__all__ = [
    "EMPTY_CHAIN",
    "GENESIS_HASH",
    "BreakKind",
    "ChainBreak",
    "ChainBrokenError",
    "ChainHead",
    "ChainSource",
    "Checkpoint",
    "CheckpointError",
    "CheckpointSignatureError",
    "LedgerConfigurationError",
    "LedgerError",
    "LedgerSourceError",
    "LedgerWriteError",
    "Progress",
    "UntrustedCheckpointKeyError",
    "VerifyReport",
    "canonical_originator_id",
    "generate_private_key",
    "ledger_table_name",
    "link_hash",
    "load_checkpoint",
    "load_private_key",
    "open_source",
    "public_key_hex",
    "save_checkpoint",
    "save_private_key",
    "sign_checkpoint",
    "verify",
    "verify_checkpoint",
]
