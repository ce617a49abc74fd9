"""Import of a provider's time report: line-by-line receipt, rules per line, no duplicates."""

from __future__ import annotations

from datetime import date

from application.app import BrukervalgApp
from application.tidsrapport import KOLONNER, Linjestatus, Tidsrapportimport, fra_tekst
from domain import kommandoer as k
from tests.conftest import FNR, KOMMUNAL, SAKSBEHANDLER
from tests.integration.conftest import Sak, antall_hendelser, lag_sak

HODE = ";".join(KOLONNER)


def _fil(sak: Sak, annen: Sak, dod: Sak) -> str:
    b, a, x = sak.bruker_id, annen.bruker_id, dod.bruker_id
    linjer = [
        HODE,
        f"besok;{b};hjemmesykepleie_dag;2026-03-09T08:00+01:00;2026-03-09T08:45+01:00;k-1;ordinaer;;;",
        f"besok;{b};hjemmesykepleie_dag;2026-03-09T08:00+01:00;2026-03-09T08:45+01:00;k-1;ordinaer;;;",
        f"besok;{FNR[0]};hjemmesykepleie_dag;2026-03-10T08:00+01:00;2026-03-10T08:40+01:00;k-2;;;;",
        f"besok;{b};hjemmesykepleie_dag;2026-03-11T08:00;2026-03-11T08:40+01:00;k-1;;;;",
        f"besok;{b};hjemmesykepleie_dag;2026-03-12T09:00+01:00;2026-03-12T08:00+01:00;k-1;;;;",
        f"besok;{b};hjemmesykepleie_dag;2026-03-12T22:00+01:00;2026-03-12T23:00+01:00;k-1;akutt_ekstra;;;",
        f"avbestilling;{b};hjemmesykepleie_dag;2026-03-13T08:00+01:00;2026-03-13T08:45+01:00;;;;"
        "2026-03-12T17:00+01:00;OL-beskjedjournal 1",
        f"besok;{b};hjemmesykepleie_dag;2026-03-13T08:00+01:00;2026-03-13T08:40+01:00;k-1;;;;",
        f"besok;{a};praktisk_bistand;2026-03-13T08:00+01:00;2026-03-13T08:40+01:00;k-1;;;;",
        f"besok;{x};hjemmesykepleie_dag;2026-03-20T08:00+01:00;2026-03-20T08:40+01:00;k-1;;;;",
        "besok;ukjent-ref;hjemmesykepleie_dag;2026-03-20T08:00+01:00;2026-03-20T08:40+01:00;k-1;;;;",
        f"reise;{b};hjemmesykepleie_dag;2026-03-20T08:00+01:00;2026-03-20T08:40+01:00;k-1;;;;",
    ]
    return "\n".join(linjer) + "\n"


def _saker(app: BrukervalgApp) -> tuple[Sak, Sak, Sak]:
    sak = lag_sak(app)
    annen = lag_sak(app, fnr=FNR[1], leverandor_id="2care")  # served by another provider
    dod = lag_sak(app, fnr=FNR[2])
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=dod.bruker_id,
                                               dodsdato=date(2026, 3, 15)),
                           SAKSBEHANDLER)
    return sak, annen, dod


def test_r18_r20_r23_receipt_names_rule_per_line_and_reupload_records_nothing(
        app: BrukervalgApp) -> None:
    sak, annen, dod = _saker(app)
    tekst = _fil(sak, annen, dod)
    imp = Tidsrapportimport(app, "kommunal", KOMMUNAL)
    kv: list = []
    ut = imp.importer(fra_tekst(tekst), kvittering=kv.append)
    status = {x.linje: (x.status, x.regel, x.felt) for x in kv}
    assert status[2][0] is Linjestatus.GODTATT
    assert status[3][0] is Linjestatus.ALLEREDE_REGISTRERT  # the same visit twice in one file
    assert status[4][0] is Linjestatus.GODTATT  # referenced by fødselsnummer
    assert status[5] == (Linjestatus.AVVIST, "BV2", "start")
    assert status[6] == (Linjestatus.AVVIST, "R18", "slutt")
    assert status[7] == (Linjestatus.AVVIST, "R18a", "tiltakskode")
    assert status[8][0] is Linjestatus.GODTATT  # cancellation
    assert status[9] == (Linjestatus.AVVIST, "R20", "start")  # visit in the cancelled slot
    assert status[10] == (Linjestatus.AVVIST, "R18", "bruker")  # not this provider's user
    assert status[11] == (Linjestatus.AVVIST, "R23", "start")  # after death
    assert status[12] == (Linjestatus.AVVIST, "R18", "bruker")
    assert status[13] == (Linjestatus.AVVIST, "BV0", "type")
    assert (ut.godtatt, ut.allerede_registrert, ut.avvist) == (3, 1, 8)
    lev = app.leveranse(sak.leveranse_id)
    assert len(lev.besok) == 2 and len(lev.avbestillinger) == 1
    for_ = antall_hendelser(app)
    igjen = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(tekst))
    assert (igjen.godtatt, igjen.allerede_registrert) == (0, 4)
    assert antall_hendelser(app) == for_


def test_strict_mode_records_nothing_when_a_line_is_rejected(app: BrukervalgApp) -> None:
    sak, annen, dod = _saker(app)
    for_ = antall_hendelser(app)
    ut = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(_fil(sak, annen, dod)),
                                                               streng=True)
    assert (ut.lagret, ut.avvist, ut.godtatt) == (False, 8, 0)
    assert antall_hendelser(app) == for_
    gode = "\n".join(_fil(sak, annen, dod).splitlines()[:4]) + "\n"
    ut = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(gode), streng=True)
    assert (ut.lagret, ut.godtatt, ut.allerede_registrert) == (True, 2, 1)
    assert antall_hendelser(app) == for_ + 1  # one BesokRapportert holds the delivery's two visits
