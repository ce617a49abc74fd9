"""Named errors of the ledger, so callers can tell a broken setup from a broken chain."""

from __future__ import annotations


class LedgerError(Exception):
    """Base class of the ledger's errors."""


class LedgerConfigurationError(LedgerError):
    """The store is configured in a way that would write events without links."""


class LedgerWriteError(LedgerError):
    """The recorder could not link newly inserted events into the chain."""


class LedgerSourceError(LedgerError):
    """The store to verify could not be identified or opened."""


class CheckpointError(LedgerError):
    """A checkpoint document is malformed, wrongly signed or signed by an untrusted key."""


class CheckpointSignatureError(CheckpointError):
    """A checkpoint's signature does not match its contents: forged or altered."""


class UntrustedCheckpointKeyError(CheckpointError):
    """A checkpoint is validly signed, but by a key the verifier was not told to trust."""


class ChainBrokenError(LedgerError):
    """Refused to sign a checkpoint over a chain that does not verify."""
