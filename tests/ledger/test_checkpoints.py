"""R26 (nothing is ever updated or deleted; every fact kept): signed checkpoints pin the
history up to a position, so a rewritten or cut history can be shown to differ."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from application.infrastructure.ledger import (
    ChainHead,
    CheckpointError,
    CheckpointSignatureError,
    UntrustedCheckpointKeyError,
    generate_private_key,
    load_checkpoint,
    load_private_key,
    public_key_hex,
    save_checkpoint,
    save_private_key,
    sign_checkpoint,
    verify_checkpoint,
)

HEAD = ChainHead(position=1234, hash=bytes(range(32)))
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_a_checkpoint_is_a_small_signed_json_document() -> None:
    key = generate_private_key()

    doc = sign_checkpoint(key, HEAD, now=NOW)

    assert json.loads(json.dumps(doc)) == doc
    assert doc["position"] == 1234
    assert doc["hash"] == HEAD.hash.hex()
    assert doc["time"] == "2026-03-02T09:30:00+00:00"
    assert doc["public_key"] == public_key_hex(key)
    assert doc["algorithm"] == "Ed25519"
    assert len(bytes.fromhex(doc["signature"])) == 64


def test_a_valid_checkpoint_verifies_to_its_position_and_hash() -> None:
    key = generate_private_key()

    checkpoint = verify_checkpoint(sign_checkpoint(key, HEAD, now=NOW),
                                   trusted_public_keys={public_key_hex(key)})

    assert (checkpoint.position, checkpoint.hash, checkpoint.time) == (1234, HEAD.hash, NOW)


@pytest.mark.parametrize(
    "field, value",
    [("position", 1235), ("hash", "ff" * 32), ("time", "2026-03-03T09:30:00+00:00")],
)
def test_an_altered_checkpoint_fails_its_signature(field: str, value: object) -> None:
    doc = sign_checkpoint(generate_private_key(), HEAD, now=NOW)

    with pytest.raises(CheckpointSignatureError):
        verify_checkpoint({**doc, field: value})


def test_a_checkpoint_signed_by_an_unknown_key_is_refused_when_keys_are_pinned() -> None:
    """Anyone can sign a checkpoint over a forged chain: the verifier pins whom it trusts."""
    doc = sign_checkpoint(generate_private_key(), HEAD, now=NOW)

    with pytest.raises(UntrustedCheckpointKeyError):
        verify_checkpoint(doc, trusted_public_keys={public_key_hex(generate_private_key())})


@pytest.mark.parametrize(
    "broken",
    [
        {"algorithm": "RSA"},
        {"position": -1},
        {"position": True},
        {"hash": "abc"},
        {"public_key": "XY" * 32},
        {"time": "yesterday"},
        {"time": "2026-03-02T09:30:00"},
    ],
)
def test_a_malformed_checkpoint_is_refused(broken: dict[str, object]) -> None:
    doc = sign_checkpoint(generate_private_key(), HEAD, now=NOW)

    with pytest.raises(CheckpointError):
        verify_checkpoint({**doc, **broken})


def test_a_checkpoint_without_a_signature_is_refused() -> None:
    doc = sign_checkpoint(generate_private_key(), HEAD, now=NOW)
    del doc["signature"]

    with pytest.raises(CheckpointError, match="signature"):
        verify_checkpoint(doc)


def test_the_time_must_be_timezone_aware() -> None:
    with pytest.raises(CheckpointError):
        sign_checkpoint(generate_private_key(), HEAD, now=datetime(2026, 3, 2, 9, 30))


@pytest.mark.parametrize("password", [None, b"hemmelig"])
def test_keys_round_trip_through_owner_only_pem_files(tmp_path: Path, password: bytes | None) -> None:
    key = generate_private_key()
    path = tmp_path / "ledger-key.pem"

    save_private_key(key, path, password=password)

    assert path.read_bytes().startswith(b"-----BEGIN")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert public_key_hex(load_private_key(path, password=password)) == public_key_hex(key)


def test_a_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "ledger-key.pem"
    save_private_key(generate_private_key(), path)

    with pytest.raises(FileExistsError):
        save_private_key(generate_private_key(), path)


def test_checkpoint_documents_round_trip_through_files(tmp_path: Path) -> None:
    doc = sign_checkpoint(generate_private_key(), HEAD, now=NOW)

    save_checkpoint(doc, tmp_path / "cp.json")

    assert load_checkpoint(tmp_path / "cp.json") == doc


def test_a_file_that_is_not_json_is_no_checkpoint(tmp_path: Path) -> None:
    (tmp_path / "cp.json").write_text("not json")

    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "cp.json")


def test_a_wrong_password_or_a_foreign_key_is_a_named_error(tmp_path: Path) -> None:
    save_private_key(generate_private_key(), tmp_path / "ed.pem", password=b"riktig")
    foreign = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (tmp_path / "ec.pem").write_bytes(foreign)

    with pytest.raises(CheckpointError):
        load_private_key(tmp_path / "ed.pem", password=b"feil")
    with pytest.raises(CheckpointError, match="not an Ed25519"):
        load_private_key(tmp_path / "ec.pem")
