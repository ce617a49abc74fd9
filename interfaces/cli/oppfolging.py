"""The contract follow-up's commands: the report per provider (R28, R28a) and the payment
control against a provider's invoice basis (R18, R18a)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from application.app import BrukervalgApp
from interfaces.cli.base import Brukerfeil, _app, _leverandor, _skriv_ut


def _oppfolging(app: BrukervalgApp) -> Any:
    from projections import Projections
    from projections.oppfolging import Oppfolging

    o = Oppfolging(Projections(app))
    o.oppdater()
    return o


def rapport(args: argparse.Namespace) -> int:
    """The contract follow-up report (R28, R28a) for months fra..til, as the API gives it."""
    from interfaces.rapport import rapport_csv, rapport_html, rapport_xlsx

    if args.fra > args.til:
        raise Brukerfeil(f"--fra {args.fra} er etter --til {args.til}")
    app = _app()
    levs = [_leverandor(app, args.leverandor)] if args.leverandor else None
    r = _oppfolging(app).rapport(args.fra, args.til, levs)
    lag: dict[str, Callable[[], str | bytes]] = {
        "html": lambda: rapport_html(r, navn=_navn(app)), "csv": lambda: rapport_csv(r),
        "xlsx": lambda: rapport_xlsx(r, navn=_navn(app))}
    innhold = lag[args.format]()
    _skriv_ut(innhold, args.ut, f"{len(r.leverandorer)} leverandør(er), {args.format}")
    return 0


def betalingskontroll(args: argparse.Namespace) -> int:
    """Payable hours next to the provider's invoice basis for one month (R18, R18a)."""
    from interfaces.rapport import kontroll_csv, kontroll_xlsx
    from projections.oppfolging import Grunnlagsfeil

    app = _app()
    lev = _leverandor(app, args.leverandor)
    grunnlag = None
    if args.fakturagrunnlag:
        try:
            with open(args.fakturagrunnlag, encoding="utf-8-sig") as f:
                grunnlag = f.read()
        except FileNotFoundError:
            raise Brukerfeil(f"fant ikke filen {args.fakturagrunnlag}") from None
        except UnicodeDecodeError as e:
            raise Brukerfeil(f"{args.fakturagrunnlag}: filen er ikke UTF-8 (byte {e.start + 1} "
                             "kan ikke leses)") from None
    try:
        k = _oppfolging(app).betalingskontroll(lev, int(args.maaned[:4]), int(args.maaned[5:]),
                                               grunnlag)
    except Grunnlagsfeil as e:
        raise Brukerfeil(f"fakturagrunnlaget: {e}") from None
    innhold = kontroll_xlsx(k) if args.format == "xlsx" else kontroll_csv(k)
    _skriv_ut(innhold, args.ut, f"{len(k.linjer)} linjer, {args.format}")
    return 0


def _navn(app: BrukervalgApp) -> dict[str, str]:
    return {i: lev.navn for i, lev in app.ref.leverandorer.items()}
