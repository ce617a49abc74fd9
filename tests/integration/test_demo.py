"""The demo the main job loads must itself obey the rules (it is recorded through the app)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from application.app import BrukervalgApp
from application.demo import DemoKlokke, last_demo
from domain.begreper import Sluttarsak, Tjenestetype
from interfaces.cli import skriv_historikk


def test_demo_story_records_switch_death_and_late_appeal(
        lag_app: Callable[..., BrukervalgApp], capsys: object) -> None:
    klokke = DemoKlokke()
    app = lag_app("sqlite", klokke=klokke)
    kari, per, ingrid, jan = last_demo(app, klokke)
    b = app.bruker(kari)
    assert b.valgt_leverandor(Tjenestetype.HJEMMESYKEPLEIE_DAG, date(2026, 3, 15), "kommunal") == "nordlys"
    assert app.bruker(per).bydel_paa(date(2026, 4, 1)) == "grunerlokka"
    assert app.bruker(per).bydel_paa(date(2026, 3, 31)) == "sagene"
    assert app.bruker(ingrid).dodsdato == date(2026, 2, 19)
    assert all(app.leveranse(lid).avsluttet.arsak is Sluttarsak.DODSFALL
               for lid in app.bruker(ingrid).leveranser)
    vedtak_jan = app.vedtak(next(iter(app.bruker(jan).vedtak)))
    assert [kl.for_sen for kl in vedtak_jan.klager.values()] == [True]
    tider = [e.timestamp for e in app.hendelser_for_bruker(kari)]
    assert tider == sorted(tider)
    skriv_historikk(app, kari)
    assert "Bytte av leverandør" in capsys.readouterr().out  # type: ignore[attr-defined]
