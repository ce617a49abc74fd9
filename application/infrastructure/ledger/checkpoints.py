"""Signed checkpoints: an Ed25519 signature over (position, chain hash, time).

A checkpoint kept outside the database (printed, mailed to the archive, committed elsewhere)
pins the whole history up to its position: whoever can write to the database can recompute
links, but cannot make the chain reach the signed hash at that position again without
leaving exactly that history in place.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from application.infrastructure.ledger.chain import HASH_SIZE, ChainHead
from application.infrastructure.ledger.errors import (
    CheckpointError,
    CheckpointSignatureError,
    UntrustedCheckpointKeyError,
)

ALGORITHM = "Ed25519"
# Domain separation: this signature can never be mistaken for one over something else.
SIGNING_CONTEXT = b"brukervalg.ledger.checkpoint.v1\n"
_FIELDS = ("algorithm", "hash", "position", "public_key", "signature", "time")
CHECKPOINT_FIELDS = _FIELDS  # what a checkpoint document holds, for callers naming what is missing


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint whose signature has been verified."""

    position: int
    hash: bytes
    time: datetime
    public_key: str


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def save_private_key(
    private_key: Ed25519PrivateKey, path: str | os.PathLike[str], *, password: bytes | None = None
) -> None:
    """Write the key as PKCS#8 PEM, readable by its owner only; never overwrite a key."""
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)


def load_private_key(
    path: str | os.PathLike[str], *, password: bytes | None = None
) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=password)
    except (TypeError, ValueError) as e:
        # Wrong or missing password, or not a PEM private key at all.
        msg = f"cannot read the private key in {path}: {e}"
        raise CheckpointError(msg) from None
    if not isinstance(key, Ed25519PrivateKey):
        msg = f"{path} holds a {type(key).__name__}, not an Ed25519 private key"
        raise CheckpointError(msg)
    return key


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key in hex: what a verifier is told to trust."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def sign_checkpoint(
    private_key: Ed25519PrivateKey, head: ChainHead, *, now: datetime | None = None
) -> dict[str, Any]:
    """A JSON-able checkpoint document signing the chain's hash at head.position.

    Args:
        private_key: the signer's Ed25519 key.
        head: position and hash to sign, normally ``VerifyReport.head`` of a clean verify.
        now: when the checkpoint is made (timezone-aware); the current time if omitted.
    """
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        msg = "checkpoint time must be timezone-aware"
        raise CheckpointError(msg)
    unsigned = {
        "algorithm": ALGORITHM,
        "hash": head.hash.hex(),
        "position": head.position,
        "public_key": public_key_hex(private_key),
        "time": now.astimezone(UTC).isoformat(timespec="seconds"),
    }
    signature = private_key.sign(_signing_bytes(unsigned))
    return {**unsigned, "signature": signature.hex()}


def verify_checkpoint(
    doc: dict[str, Any] | Any, *, trusted_public_keys: set[str] | None = None
) -> Checkpoint:
    """Check a checkpoint document's form and signature; return it as a ``Checkpoint``.

    Raises:
        CheckpointError: the document is malformed.
        CheckpointSignatureError: the signature does not match (forged or altered).
        UntrustedCheckpointKeyError: trusted_public_keys was given and the key is not in it.
    """
    fields = _validated_fields(doc)
    public_key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(fields["public_key"]))
    try:
        public_key.verify(bytes.fromhex(fields["signature"]), _signing_bytes(fields))
    except InvalidSignature:
        msg = f"checkpoint at position {fields['position']} has an invalid signature"
        raise CheckpointSignatureError(msg) from None
    if trusted_public_keys is not None and fields["public_key"] not in trusted_public_keys:
        msg = f"checkpoint signed by untrusted key {fields['public_key']}"
        raise UntrustedCheckpointKeyError(msg)
    return Checkpoint(
        position=fields["position"],
        hash=bytes.fromhex(fields["hash"]),
        time=datetime.fromisoformat(fields["time"]),
        public_key=fields["public_key"],
    )


def save_checkpoint(doc: dict[str, Any], path: str | os.PathLike[str]) -> None:
    Path(path).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        doc: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
        return doc
    except json.JSONDecodeError as e:
        msg = f"{path} is not a checkpoint document: {e}"
        raise CheckpointError(msg) from None


def _signing_bytes(fields: dict[str, Any]) -> bytes:
    """Canonical JSON of every field but the signature, after a fixed context string."""
    signed = {key: fields[key] for key in _FIELDS if key != "signature"}
    canonical = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return SIGNING_CONTEXT + canonical.encode("ascii")


def _validated_fields(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        msg = f"a checkpoint is a JSON object, not {type(doc).__name__}"
        raise CheckpointError(msg)
    missing = [key for key in _FIELDS if key not in doc]
    if missing:
        msg = f"checkpoint lacks {', '.join(missing)}"
        raise CheckpointError(msg)
    if doc["algorithm"] != ALGORITHM:
        msg = f"unsupported checkpoint algorithm {doc['algorithm']!r}"
        raise CheckpointError(msg)
    position = doc["position"]
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        msg = f"checkpoint position must be a non-negative integer, not {position!r}"
        raise CheckpointError(msg)
    for key, size in (("hash", HASH_SIZE), ("public_key", 32), ("signature", 64)):
        if not _is_hex(doc[key], size):
            msg = f"checkpoint {key} must be {size} bytes of lowercase hex"
            raise CheckpointError(msg)
    if not _is_aware_time(doc["time"]):
        msg = f"checkpoint time must be an ISO 8601 time with offset, not {doc['time']!r}"
        raise CheckpointError(msg)
    return {key: doc[key] for key in _FIELDS}


def _is_hex(value: Any, size: int) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 2 * size
        and all(c in "0123456789abcdef" for c in value)
    )


def _is_aware_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False
