"""R03 as a pure function: ``domain.bruker.gjeldende_leverandor`` from recorded facts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from domain.begreper import Form, Tjenestetype
from domain.bruker import Kilde, LeveranseRef, Valg, gjeldende_leverandor, gjeldende_valg

HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG
PB = Tjenestetype.PRAKTISK_BISTAND


def _valg(leverandor: str, fra: date, posisjon: int, klokke: datetime,
          tjenestetype: Tjenestetype = HSP) -> Valg:
    return Valg(uuid4(), tjenestetype, leverandor, Form.MUNTLIG, fra, klokke, posisjon=posisjon)


def test_r03_uten_valg_og_leveranse_er_det_den_kommunale() -> None:
    svar = gjeldende_leverandor([], [], None, HSP, date(2026, 5, 17), "kommunal")
    assert (svar.leverandor_id, svar.kilde) == ("kommunal", Kilde.KOMMUNAL)


def test_r03_likt_valg_samme_dato_avgjores_av_rekkefolgen_ikke_klokka() -> None:
    """Given two choices effective 2026-04-01, the second recorded (position 3) with an earlier
    clock than the first (position 2); then the second is in force."""
    tidlig, sent = datetime(2026, 3, 2, 8, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC)
    valg = [_valg("nordlys", date(2026, 4, 1), 2, sent), _valg("2care", date(2026, 4, 1), 3, tidlig)]
    assert gjeldende_valg(valg, HSP, date(2026, 4, 1)).leverandor_id == "2care"  # type: ignore[union-attr]
    svar = gjeldende_leverandor(valg, [], None, HSP, date(2026, 4, 1), "kommunal")
    assert (svar.leverandor_id, svar.kilde) == ("2care", Kilde.VALG)
    # A later effective date beats a later position; other types are not affected.
    valg.append(_valg("fjordomsorg", date(2026, 4, 2), 1, tidlig))
    assert gjeldende_leverandor(valg, [], None, HSP, date(2026, 4, 2), "k").leverandor_id == \
        "fjordomsorg"
    assert gjeldende_leverandor(valg, [], None, PB, date(2026, 4, 2), "k").kilde == Kilde.KOMMUNAL


def test_r03_en_lopende_leveranse_gaar_foran_valget_og_r23_gir_ingen() -> None:
    lev = LeveranseRef(uuid4(), None, HSP, "kommunal", date(2026, 1, 5), date(2026, 2, 3), 1)
    annullert = LeveranseRef(uuid4(), None, HSP, "2care", date(2026, 2, 4), date(2026, 2, 3), 2)
    valg = [_valg("2care", date(2026, 2, 4), 2, datetime(2026, 1, 25, tzinfo=UTC))]
    paa = gjeldende_leverandor(valg, [lev, annullert], date(2026, 2, 3), HSP, date(2026, 2, 3), "k")
    assert (paa.leverandor_id, paa.kilde, paa.leveranse) == ("kommunal", Kilde.LEVERANSE, lev)
    etter = gjeldende_leverandor(valg, [lev, annullert], date(2026, 2, 3), HSP, date(2026, 2, 4),
                                 "k")
    assert (etter.leverandor_id, etter.kilde) == (None, Kilde.AVSLUTTET)
