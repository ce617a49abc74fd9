"""BV7: a vedtak's omfang is possible (24 hours a day per staff member at once, at most 3)."""

from __future__ import annotations

import pytest

from domain.begreper import Regelbrudd
from domain.vedtak import MAKS_ANSATTE_SAMTIDIG, Omfang, sjekk_omfang


def test_bv7_more_than_24_hours_a_day_for_one_staff_member_is_refused_naming_omfang() -> None:
    sjekk_omfang(Omfang(minutter=7 * 24 * 60))  # round the clock is possible
    for umulig in (Omfang(minutter=10_500), Omfang(minutter=1248 * 60 * 7),
                   Omfang(minutter=2 * 7 * 24 * 60 + 1, per_uker=2)):
        with pytest.raises(Regelbrudd, match=r"^BV7 \(omfang\)"):
            sjekk_omfang(umulig)


def test_bv7_double_staffing_is_recorded_with_its_own_bound() -> None:
    dobbel = Omfang(minutter=10_500, antall_ansatte=2)
    sjekk_omfang(dobbel)
    assert "antall_ansatte" in dobbel.model_dump() and "antall_ansatte" not in \
        Omfang(minutter=60).model_dump()  # single staff keeps the stored shape
    with pytest.raises(Regelbrudd, match=r"^BV7 \(omfang\)"):
        sjekk_omfang(Omfang(minutter=2 * 7 * 24 * 60 + 1, antall_ansatte=2))
    with pytest.raises(Regelbrudd, match=r"^BV7 \(omfang.antall_ansatte\)"):
        sjekk_omfang(Omfang(minutter=60, antall_ansatte=MAKS_ANSATTE_SAMTIDIG + 1))
