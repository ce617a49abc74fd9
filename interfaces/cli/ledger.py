"""The ledger's commands (`brukervalg kjede`): verify the hash chain, sign a checkpoint,
make a signing key; errors in Norwegian over the ledger's English API."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from application.app import BrukervalgApp
from interfaces.cli.base import Brukerfeil
from interfaces.norsk import tall


def _kjede() -> BrukervalgApp:
    """The store's records as stored, for the chain: it is over the stored bytes, so verifying
    and signing it needs neither key (an auditor need not be able to read the history)."""
    return BrukervalgApp()


def _les_sjekkpunkter(filer: Sequence[str], klarerte: Sequence[str] | None) -> None:
    """Each checkpoint file read and its signature checked before the chain is walked, so a bad
    file is named in one Norwegian line (the ledger's own errors are English, for its API)."""
    from application.infrastructure.ledger import (
        GENESIS_HASH,
        CheckpointError,
        CheckpointSignatureError,
        UntrustedCheckpointKeyError,
        load_checkpoint,
        verify_checkpoint,
    )
    from application.infrastructure.ledger.checkpoints import CHECKPOINT_FIELDS

    for fil in filer:
        if not os.path.isfile(fil):
            raise Brukerfeil(f"fant ikke sjekkpunktfilen {fil}")
        try:
            doc = load_checkpoint(fil)
        except CheckpointError:
            raise Brukerfeil(f"{fil} er ikke et sjekkpunkt (ikke JSON)") from None
        except UnicodeDecodeError:
            raise Brukerfeil(f"{fil} er ikke et sjekkpunkt (ikke UTF-8-tekst)") from None
        mangler = [f for f in CHECKPOINT_FIELDS if f not in doc] if isinstance(doc, dict) else []
        try:
            if mangler:
                raise Brukerfeil(f"{fil} er ikke et sjekkpunkt: mangler {', '.join(mangler)}")
            sp = verify_checkpoint(doc, trusted_public_keys=set(klarerte) if klarerte else None)
        except CheckpointSignatureError:
            raise Brukerfeil(f"sjekkpunktet i {fil} har en ugyldig signatur: det er endret etter "
                             "at det ble signert, eller forfalsket") from None
        except UntrustedCheckpointKeyError:
            raise Brukerfeil(f"sjekkpunktet i {fil} er signert med nøkkelen {doc['public_key']}, "
                             "som ikke er blant --klarert-nokkel") from None
        except CheckpointError:
            raise Brukerfeil(f"{fil} er ikke et gyldig sjekkpunkt (feltene er ikke slik "
                             "`brukervalg kjede sjekkpunkt` skriver dem)") from None
        if sp.position == 0 and sp.hash != GENESIS_HASH:
            raise Brukerfeil(f"sjekkpunktet i {fil} står på posisjon 0 uten kjedens starthash")


def kjede_verifiser(args: argparse.Namespace) -> int:
    from application.infrastructure.ledger import cli as ledger_cli

    _les_sjekkpunkter(args.sjekkpunkt, args.klarert_nokkel or None)
    app = _kjede()
    return ledger_cli.verify(app.recorder, checkpoint_files=args.sjekkpunkt,
                             trusted_public_keys=args.klarert_nokkel or None, as_json=args.json,
                             out=sys.stdout, err=sys.stderr, summary=_kjedesammendrag)


_BRUDD = {"changed": "endret", "deleted": "slettet", "inserted": "satt inn",
          "reordered": "byttet rekkefølge", "truncated": "avkortet"}


def _kjedesammendrag(r: Any) -> str:
    """The chain verification's outcome in Norwegian (``OK``/``BRUDD`` first, for scripts)."""
    if r.broken is None:
        return (f"OK: {tall(r.count)} hendelser verifisert til og med posisjon "
                f"{tall(r.head.position)} ({tall(r.rate)} hendelser/s), "
                f"{tall(r.checkpoints_checked)} sjekkpunkt stemmer, hode {r.head.hash.hex()}")
    return (f"BRUDD ved posisjon {tall(r.broken.position)}: "
            f"{_BRUDD.get(str(r.broken.kind), str(r.broken.kind))} ({r.broken.detail}); "
            f"{tall(r.count)} hendelser verifisert før den")


def kjede_sjekkpunkt(args: argparse.Namespace) -> int:
    from application.infrastructure.ledger import ChainBrokenError, CheckpointError, load_private_key
    from application.infrastructure.ledger import cli as ledger_cli

    try:
        load_private_key(args.nokkel)
    except CheckpointError:
        raise Brukerfeil(f"{args.nokkel} er ikke en privat Ed25519-nøkkel i PEM-format (lag en "
                         "med `brukervalg kjede nokkel --ut FIL`)") from None
    _les_sjekkpunkter(args.tidligere, None)
    app = _kjede()
    try:
            doc = ledger_cli.checkpoint(app.recorder, args.nokkel, output=args.ut,
                                    previous=args.tidligere, progress=True, err=sys.stderr)
    except ChainBrokenError:
        raise Brukerfeil("kjeden er brutt, så ingen sjekkpunkt ble signert (se `brukervalg kjede "
                         "verifiser`)") from None
    print(json.dumps(doc, indent=2))
    return 0


def kjede_nokkel(args: argparse.Namespace) -> int:
    from application.infrastructure.ledger import generate_private_key, public_key_hex, save_private_key

    nokkel = generate_private_key()
    save_private_key(nokkel, args.ut)
    print(f"Privat nøkkel skrevet til {args.ut} (oppbevares utenfor databasen).")
    print(f"Offentlig nøkkel: {public_key_hex(nokkel)}")
    return 0
