"""R26 (nothing is ever updated or deleted; every fact kept): the operator's two commands:
sign a checkpoint of a verified chain, and verify the chain against checkpoints."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from application.fremdrift import Fremdriftslinje
from application.infrastructure.ledger import (
    ChainBrokenError,
    generate_private_key,
    public_key_hex,
    save_private_key,
)
from application.infrastructure.ledger.cli import (
    EXIT_BAD_CHECKPOINT,
    EXIT_BROKEN,
    EXIT_OK,
    checkpoint,
    verify,
)
from tests.ledger.stores import LedgerStore, sqlite_store

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def chained(tmp_path: Path) -> tuple[LedgerStore, str]:
    path = tmp_path / "events.db"
    store = sqlite_store(path)
    store.append(30)
    yield store, str(path)
    store.close()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "ledger-key.pem"
    save_private_key(generate_private_key(), path)
    return path


def test_a_checkpoint_is_signed_over_the_verified_head(
    chained: tuple[LedgerStore, str], key_file: Path, tmp_path: Path
) -> None:
    store, path = chained

    head = store.count("events")

    doc = checkpoint(path, key_file, output=tmp_path / "cp.json", now=NOW)

    assert json.loads((tmp_path / "cp.json").read_text()) == doc
    assert doc["position"] == head
    assert bytes.fromhex(doc["hash"]) == store.link_row(head)[1]


def test_verify_passes_against_its_checkpoint_and_prints_a_summary(
    chained: tuple[LedgerStore, str], key_file: Path, tmp_path: Path
) -> None:
    store, path = chained
    doc = checkpoint(path, key_file, output=tmp_path / "cp.json", now=NOW)
    out, err = io.StringIO(), io.StringIO()

    status = verify(path, checkpoint_files=[tmp_path / "cp.json"],
                    trusted_public_keys=[doc["public_key"]], out=out, err=err)

    assert status == EXIT_OK
    assert out.getvalue().startswith(f"OK: {store.count('events')} events verified")
    assert "1 checkpoint(s) matched" in out.getvalue()
    assert err.getvalue().endswith("\n")  # the progress bar ends its line


def test_verify_names_the_break_and_fails(
    chained: tuple[LedgerStore, str], key_file: Path, tmp_path: Path
) -> None:
    store, path = chained
    checkpoint(path, key_file, output=tmp_path / "cp.json", now=NOW)
    store.truncate_after(25)
    out = io.StringIO()

    status = verify(path, checkpoint_files=[tmp_path / "cp.json"], as_json=True, out=out,
                    err=io.StringIO())

    assert status == EXIT_BROKEN
    assert json.loads(out.getvalue())["break"]["position"] == 26
    assert json.loads(out.getvalue())["break"]["kind"] == "truncated"


def test_verify_refuses_a_checkpoint_from_an_untrusted_key(
    chained: tuple[LedgerStore, str], key_file: Path, tmp_path: Path
) -> None:
    _, path = chained
    checkpoint(path, key_file, output=tmp_path / "cp.json", now=NOW)
    err = io.StringIO()

    status = verify(path, checkpoint_files=[tmp_path / "cp.json"],
                    trusted_public_keys=[public_key_hex(generate_private_key())],
                    out=io.StringIO(), err=err)

    assert status == EXIT_BAD_CHECKPOINT
    assert "untrusted key" in err.getvalue()


def test_no_checkpoint_is_signed_over_a_broken_chain(
    chained: tuple[LedgerStore, str], key_file: Path, tmp_path: Path
) -> None:
    store, path = chained
    store.flip_state_byte(12)

    with pytest.raises(ChainBrokenError, match="position 12"):
        checkpoint(path, key_file, output=tmp_path / "cp.json")
    assert not (tmp_path / "cp.json").exists()


def test_the_progress_bar_draws_one_line() -> None:
    """The one progress bar of the commands (tqdm): ends on the final count, one line."""
    stream = io.StringIO()
    bar = Fremdriftslinje("verifiserer kjeden", "hendelser", stream)

    bar(500, 1000)
    bar(1000, 1000)
    assert bar.lukk() == 1000

    assert stream.getvalue().endswith("1\xa0000 av 1\xa0000 hendelser, " + stream.getvalue()
                                      .rsplit(", ", 1)[1])
    assert stream.getvalue().count("\n") == 1
    assert "verifiserer kjeden: 100\xa0%" in stream.getvalue()
