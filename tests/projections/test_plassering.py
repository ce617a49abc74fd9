"""A visit or cancellation across midnight lands in the same day(s) and month in payable hours,
the invoice control and the follow-up report (R18a, R20, R28; ``domain.betaling.plasser``).
Both stores."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from domain.begreper import Tjenestetype
from projections import Projections
from projections.oppfolging import Krav, Oppfolging
from projections.oppfolging.kontroll import AVBESTILT, Avstemmingsstatus
from tests.projections.conftest import Scenario, oslo

NATT = Tjenestetype.HJEMMESYKEPLEIE_NATT


def test_r20_avbestilling_over_maanedsskiftet_havner_i_samme_maaned_overalt(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """A night visit planned 31.01 23:00 - 01.02 01:00 is cancelled in time. Payable hours place
    1 h of it in January and 1 h in February (and count it once, in January). The provider
    claims each month's hour as if delivered: the invoice control explains 1 h in each month as
    cancelled time (R20). Before, the control booked the whole 2 h on 31 January, so February's
    hour was 'unexplained' while payable hours had it in February.

    A visit 28.02 23:30 - 01.03 00:30 likewise is 30 min of February and 30 min of March in
    payable hours and in the follow-up report, and counts as February's visit there."""
    scenario.naa(2026, 1, 2, 9, 0)
    b, _, lev = scenario.sak(date(2026, 1, 5), minutter=7 * 60, tjenestetype=NATT)
    scenario.naa(2026, 1, 20, 10, 0)
    scenario.avbestill(lev, oslo(2026, 1, 31, 23), oslo(2026, 2, 1, 1), oslo(2026, 1, 20, 10))
    scenario.naa(2026, 3, 2, 9, 0)
    scenario.besok(lev, oslo(2026, 2, 28, 23, 30), oslo(2026, 3, 1, 0, 30))
    projeksjoner.oppdater()
    o = Oppfolging(projeksjoner)
    o.oppdater()

    def linje(aar: int, maaned: int):  # type: ignore[no-untyped-def]
        (x,) = [x for x in projeksjoner.betalbare_timer("kommunal", aar, maaned).linjer
                if x.bruker_id == b]
        return x

    jan, feb, mar = linje(2026, 1), linje(2026, 2), linje(2026, 3)
    # The invoice control: each month's claimed hour is the cancelled time of that month.
    for aar, maaned, x in ((2026, 1, jan), (2026, 2, feb)):
        krav = [Krav(b, NATT, x.betalbare_timer + 1, None)]
        (k,) = [k for k in o.betalingskontroll("kommunal", aar, maaned, krav).linjer
                if k.bruker_id == b]
        assert dict(k.forklaring) == {AVBESTILT: 1}, (aar, maaned)
        assert k.status == Avstemmingsstatus.FORKLART

    # Payable hours: the cancelled time per month, the cancellation counted on its start date.
    assert (jan.avbestilt_timer, feb.avbestilt_timer, mar.avbestilt_timer) == (1, 1, 0)
    assert (jan.antall_avbestilt, feb.antall_avbestilt) == (1, 0)
    assert (feb.levert_timer, mar.levert_timer) == (Fraction(1, 2), Fraction(1, 2))
    assert (feb.antall_besok, mar.antall_besok) == (1, 0)

    # The follow-up report: the same months as payable hours.
    r = o.rapport("2026-01", "2026-03").leverandorer
    (kommunal,) = [x for x in r if x.leverandor_id == "kommunal"]
    m = kommunal.maaneder
    assert (m["2026-01"].avbestillinger, m["2026-02"].avbestillinger) == (1, 0)
    assert (m["2026-02"].levert_timer, m["2026-03"].levert_timer) == (Fraction(1, 2),
                                                                      Fraction(1, 2))
    assert (m["2026-02"].besok, m["2026-03"].besok) == (1, 0)
    assert (m["2026-02"].brukere_betjent, m["2026-03"].brukere_betjent) == (1, 0)
