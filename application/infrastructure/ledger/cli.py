"""Command-ready functions for the ledger: make a signed checkpoint, verify the chain.

The ``brukervalg`` CLI wires these to sub-commands; they print to the streams they are given
and return what a command needs (a document, an exit status).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TextIO

from application.fremdrift import Fremdriftslinje
from application.infrastructure.ledger.checkpoints import (
    load_checkpoint,
    load_private_key,
    save_checkpoint,
    sign_checkpoint,
)
from application.infrastructure.ledger.errors import ChainBrokenError, CheckpointError
from application.infrastructure.ledger.verify import VerifyReport
from application.infrastructure.ledger.verify import verify as verify_chain

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_BAD_CHECKPOINT = 2


def checkpoint(
    store: Any,
    key_file: str | os.PathLike[str],
    *,
    output: str | os.PathLike[str] | None = None,
    previous: Iterable[str | os.PathLike[str]] = (),
    password: bytes | None = None,
    now: datetime | None = None,
    progress: bool = False,
    err: TextIO = sys.stderr,
) -> dict[str, Any]:
    """Verify the chain, then sign its head as a checkpoint document.

    Signs only what was recomputed from the events (never the stored head), so a checkpoint
    can not bless a chain that was already tampered with.

    Args:
        store: a recorder, app settings, a PostgreSQL DSN or an SQLite path.
        key_file: the signer's Ed25519 private key (PEM).
        output: where to write the document as JSON (not written if None).
        previous: earlier checkpoint files the chain must still match.
        password: the key file's password, if it has one.
        now: the checkpoint's time (timezone-aware); the current time if None.
        progress: draw a progress bar on err while verifying.

    Returns:
        The signed checkpoint document.

    Raises:
        ChainBrokenError: the chain does not verify; nothing is signed.
    """
    private_key = load_private_key(key_file, password=password)
    report = _verify_with_bar(store, [load_checkpoint(p) for p in previous], None, progress, err)
    if not report.ok:
        msg = f"refusing to sign a broken chain: {report.summary()}"
        raise ChainBrokenError(msg)
    doc = sign_checkpoint(private_key, report.head, now=now)
    if output is not None:
        save_checkpoint(doc, output)
    return doc


def verify(
    store: Any,
    *,
    checkpoint_files: Iterable[str | os.PathLike[str]] = (),
    trusted_public_keys: Iterable[str] | None = None,
    progress: bool = True,
    as_json: bool = False,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    summary: Callable[[VerifyReport], str] | None = None,
) -> int:
    """Verify the chain (and any checkpoints) and print the outcome.

    Args:
        store: a recorder, app settings, a PostgreSQL DSN or an SQLite path.
        checkpoint_files: checkpoint documents the chain must match.
        trusted_public_keys: hex Ed25519 keys checkpoints must be signed with.
        progress: draw a progress bar on err.
        as_json: print the report as one JSON object instead of a sentence.
        summary: how to say the outcome (default ``VerifyReport.summary``, English); the
            ``brukervalg`` CLI passes its Norwegian sentence.

    Returns:
        The exit status: 0 the chain verifies, 1 it is broken, 2 a checkpoint is invalid.
    """
    try:
        docs = [load_checkpoint(path) for path in checkpoint_files]
        report = _verify_with_bar(store, docs, trusted_public_keys, progress, err)
    except CheckpointError as e:
        err.write(f"invalid checkpoint: {e}\n")
        return EXIT_BAD_CHECKPOINT
    tekst = (summary or VerifyReport.summary)(report)
    out.write((json.dumps(report_as_dict(report)) if as_json else tekst) + "\n")
    return EXIT_OK if report.ok else EXIT_BROKEN


def report_as_dict(report: VerifyReport) -> dict[str, Any]:
    """A JSON-able form of a verify report."""
    broken = report.broken
    return {
        "ok": report.ok,
        "count": report.count,
        "seconds": round(report.seconds, 3),
        "rate": round(report.rate),
        "head": {"position": report.head.position, "hash": report.head.hash.hex()},
        "checkpoints_checked": report.checkpoints_checked,
        "break": None
        if broken is None
        else {"position": broken.position, "kind": str(broken.kind), "detail": broken.detail},
    }


def _verify_with_bar(
    store: Any,
    checkpoints: list[dict[str, Any]],
    trusted_public_keys: Iterable[str] | None,
    progress: bool,
    err: TextIO,
) -> VerifyReport:
    bar = Fremdriftslinje("verifiserer kjeden", "hendelser", err) if progress else None
    try:
        return verify_chain(
            store, checkpoints, bar, trusted_public_keys=trusted_public_keys
        )
    finally:
        if bar is not None:
            bar.lukk()
