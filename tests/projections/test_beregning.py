"""Properties of the month computation (R17, R18, R18a, R20, R23) and the visit split (DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import kalender
from domain.betaling import (
    AKUTT,
    ORDINAER,
    SEN_AVBESTILT,
    Avviksarsak,
    Grunnlag,
    Omfangsperiode,
    beregn,
    plasser,
)
from projections.betalbar_tid import BetalbarTid, _Batch
from projections.rows import tid

DAGER = st.lists(st.integers(0, 4 * 3_600_000_000), min_size=31, max_size=31)
I_MARS = st.dates(date(2026, 2, 20), date(2026, 4, 10))


@st.composite
def grunnlag(draw: st.DrawFn) -> Grunnlag:
    fom = draw(I_MARS)
    tom = draw(st.none() | st.dates(fom - timedelta(days=1), date(2026, 4, 20)))
    har_vedtak = draw(st.booleans())
    vedtak_fra = draw(st.dates(date(2026, 2, 1), date(2026, 3, 31)))
    omfang = [Omfangsperiode(vedtak_fra, draw(st.integers(1, 3000)), draw(st.integers(1, 4)))]
    if draw(st.booleans()):
        omfang.append(Omfangsperiode(vedtak_fra + timedelta(days=draw(st.integers(1, 40))),
                                     draw(st.integers(1, 3000)), 1))
    ubesvart = draw(st.lists(st.tuples(I_MARS, st.none() | I_MARS), max_size=2))
    return Grunnlag(
        aar=2026, maaned=3, leveranse_fom=fom, leveranse_tom=tom, har_vedtak=har_vedtak,
        vedtak_fra=vedtak_fra if har_vedtak else None,
        vedtak_til=draw(st.none() | st.dates(vedtak_fra, date(2026, 5, 1))) if har_vedtak else None,
        omfang=tuple(omfang) if har_vedtak else (),
        sluttdato=draw(st.none() | I_MARS), dodsfall=draw(st.booleans()),
        ubesvart=tuple(ubesvart),
        dager={ORDINAER: draw(DAGER), AKUTT: draw(DAGER), SEN_AVBESTILT: draw(DAGER)},
        sen_avbestilling_betalbar=draw(st.booleans()))


@settings(max_examples=300, deadline=None)
@given(grunnlag())
def test_r18_hvert_krevd_minutt_er_enten_betalbart_eller_et_avvik_med_grunn(g: Grunnlag) -> None:
    """R18: claimed = payable + deviations, payable never exceeds delivered, and the part paid
    within the vedtak never exceeds ordered time (R18a); R17 pays only an excess."""
    r = beregn(g)
    sen = sum(g.dager[SEN_AVBESTILT][:31])
    krevd = sum(g.dager[ORDINAER][:31]) + sum(g.dager[AKUTT][:31]) + (
        sen if g.sen_avbestilling_betalbar else 0)
    avvik = {a.arsak: a.mengde for a in r.avvik}
    ikke_betalt = sum((m for a, m in avvik.items() if a != Avviksarsak.SEN_AVBESTILLING),
                      Fraction(0))
    assert r.betalbar + ikke_betalt == krevd
    assert r.betalbar_innenfor <= r.bestilt
    assert 0 <= r.betalbar_r17
    assert r.betalbar <= krevd
    if not g.sen_avbestilling_betalbar:
        assert avvik.get(Avviksarsak.SEN_AVBESTILLING, 0) == sen
    assert all(m > 0 for m in avvik.values())


def test_r17_uten_ubesvart_revurdering_er_alt_over_vedtaket_avvik() -> None:
    g = Grunnlag(aar=2026, maaned=3, leveranse_fom=date(2026, 3, 1), leveranse_tom=None,
                 har_vedtak=True, vedtak_fra=date(2026, 3, 1),
                 omfang=(Omfangsperiode(date(2026, 3, 1), 7, 1),),
                 dager={ORDINAER: [120_000_000] * 31})
    r = beregn(g)
    assert r.bestilt == 31 * 60_000_000 and r.betalbar == r.bestilt
    assert [(a.arsak, a.mengde) for a in r.avvik] == [("over_vedtak", 31 * 60_000_000)]


_INSTANTER = st.datetimes(datetime(2026, 3, 27), datetime(2026, 11, 3),
                          timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(_INSTANTER, st.integers(1, 24 * 60 * 60 * 1_000_000))
def test_r18_delingen_ved_midnatt_stemmer_med_kalenderen(start: datetime, us: int) -> None:
    """The hot path (datetime arithmetic) gives kalender's days and durations, DST included."""
    slutt = start + timedelta(microseconds=us)
    # As stored: ISO text with the Oslo offset of that instant.
    s, e = tid(kalender.lokal(start).isoformat()), tid(kalender.lokal(slutt).isoformat())
    b = _Batch()
    BetalbarTid._legg_til(b, "L", ORDINAER, s, e)
    fasit: dict[date, int] = {}
    dag, t = kalender.lokal_dato(s), s
    while t < e:
        midnatt = kalender.lokalt_tidspunkt(dag + timedelta(days=1), datetime.min.time())
        del_slutt = min(e, midnatt)
        fasit[dag] = fasit.get(dag, 0) + kalender.varighet(t, del_slutt) // timedelta(
            microseconds=1)
        t, dag = del_slutt, dag + timedelta(days=1)
    faktisk = {date(aar, maaned, i + 1): v
               for (_, aar, maaned, _), rad in b.levert.items() for i, v in enumerate(rad[:31])
               if v}
    assert faktisk == {d: v for d, v in fasit.items() if v}
    assert sum(faktisk.values()) == us
    assert sum(v for _, v in plasser(s, e)) == us
    # The same instants in Oslo's zone (not fixed offsets) are placed the same way.
    assert plasser(kalender.lokal(s), kalender.lokal(e)) == plasser(s, e)
