"""The provider's command: importing a time report, with its line-by-line receipt."""

from __future__ import annotations

import argparse
import os

from application.fremdrift import Fremdriftslinje
from interfaces.cli.base import Brukerfeil, _app, _leverandor
from interfaces.norsk import tall


def importer(args: argparse.Namespace) -> int:
    """Import a provider's time report file; write the line-by-line receipt as CSV."""
    from application.tidsrapport import KVITTERING_HODE, Filfeil, kvittering_csv_linje
    from domain.begreper import Aktor, Rolle

    app = _app()
    _leverandor(app, args.leverandor)
    if not os.path.isfile(args.fil):
        raise Brukerfeil(f"fant ikke filen {args.fil}")
    aktor = Aktor(person_id=args.person, rolle=Rolle.LEVERANDOR,
                  organisasjon=f"leverandor:{args.leverandor}")
    ut = open(args.kvittering, "w", encoding="utf-8") if args.kvittering else None  # noqa: SIM115
    if ut:
        print(KVITTERING_HODE, file=ut)
    linje = Fremdriftslinje("importerer", "linjer")
    try:
        s = app.importer_tidsrapport(
            args.leverandor, lambda: open(args.fil, "rb"), aktor, streng=args.streng,
            kvittering=(lambda k: print(kvittering_csv_linje(k), file=ut)) if ut else None,
            fremdrift=linje)
        linje(s.linjer)  # the bar ends on the figure the summary names
    except Filfeil as e:  # the file as a whole: nothing was recorded
        raise Brukerfeil(f"{args.fil}: {e}; ingenting lagret") from None
    finally:
        linje.lukk()
        if ut:
            ut.close()
    avvist = ", ".join(f"{n} {regel}" for regel, n in sorted(s.avvisninger_per_regel.items()))
    print(f"{tall(s.linjer)} linjer: {tall(s.godtatt)} godtatt, "
          f"{tall(s.allerede_registrert)} allerede registrert, {tall(s.avvist)} avvist"
          f"{f' ({avvist})' if avvist else ''}; "
          f"{'lagret' if s.lagret else 'INGENTING LAGRET (streng modus)'}; "
          f"{tall(s.sekunder, 1)} s")
    return 0 if s.lagret else 1
