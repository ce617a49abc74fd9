"""Felles kalender for alle fristregler: virkedager, helligdager, Oslo-tid og frister.

Rene funksjoner: ingen I/O, ingen klokkeavlesning. Alle tidspunkt er tidssonebevisste (aware);
et naivt tidspunkt gir NaivtTidspunktError. Lokal tid er Europe/Oslo (med sommertid).
Virkedag = mandag-fredag unntatt norske offentlige helligdager (RULES.md, SLA-innledningen).

Beslutninger (RULES.md: der regelen lar et valg stå åpent, er det konfigurerbart og dokumentert):

- Helligdager: `holidays.Norway(include_sundays=False)`. Bare de lovbestemte helligdagene teller
  (nyttårsdag, skjærtorsdag, langfredag, 1. og 2. påskedag, 1. mai, 17. mai, Kristi
  himmelfartsdag, 1. og 2. pinsedag, 1. og 2. juledag); vanlige søndager er ikke "helligdager" her
  (de er uansett ikke virkedager). Julaften og nyttårsaften er virkedager. Mengden caches per år.
- lokalt_tidspunkt: et veggklokkeslett som ikke finnes (vårnatt, 02:00-03:00) gir
  overgangsøyeblikket, dvs. første gyldige tidspunkt etter hullet (02:30 -> 03:00 sommertid).
  Et tvetydig klokkeslett (høstnatt, 02:00-03:00 to ganger) gir fold=0, dvs. første forekomst
  (sommertid, +02:00).
- Varighet og "innen N timer" regnes i faktisk forløpt tid (UTC), aldri som veggklokkedifferanse.
- R12 hverdag: en helligdag på mandag-fredag er IKKE hverdag for telefonvarsel. Kilden sier
  "hverdager (mandag-fredag)"; på en helligdag er leverandørens kontor bemannet som på søndag, så
  bydelen må bruke ordinær kanal / legevakt. Styres av `helligdag_teller_som_hverdag`
  (standard False).
  Fristen 15:30:00 er inkludert (15:30:00 er i tide, 15:30:01 er ikke).
- R13: siste tillatte oppstartsdato er lokal dato for varselet + 14 kalenderdager.
- R16: "neste virkedag" etter lokal dato for anmodningen; fristen er eksklusiv: svart < frist
  (00:00 Oslo-tid dagen etter neste virkedag) betyr overholdt.
- R21: "straks" er gjort målbart som mottatt + terskel, standard 1 time (kontraktstolkning,
  konfigurerbar per kall).
- R25: fire uker = mottatt + 28 dager (pasient- og brukerrettighetsloven § 7-5). Faller siste dag på
  lørdag, søndag eller helligdag, forlenges fristen til neste virkedag (domstolloven § 149, gjort
  gjeldende via forvaltningsloven § 29). Styres av `forleng_til_virkedag` (standard True).
- R07: oppsigelsestiden er ti dager regnet fra og med oppsigelsesdatoen; gammel levering slutter
  dag 10 (oppsigelsesdato + 9), ny starter dagen etter (oppsigelsesdato + 10).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "OSLO",
    "NaivtTidspunktError",
    "R07_OPPSIGELSESTID",
    "R12_OPPSTART",
    "R12_TELEFON_SENEST",
    "R11_VARSEL_SENEST",
    "R13_OPPSTART",
    "R21_TERSKEL",
    "R25_KLAGEFRIST",
    "er_helligdag",
    "er_virkedag",
    "foer",
    "forrige_virkedag",
    "frist_r07_bytte",
    "frist_r11_varsel",
    "frist_r12_oppstart",
    "frist_r13_oppstart",
    "frist_r16_svar",
    "frist_r21_videresending",
    "frist_r25_klage",
    "helligdager",
    "helligdagsnavn",
    "krev_tidssone",
    "legg_til_virkedager",
    "lokal",
    "lokal_dato",
    "lokalt_tidspunkt",
    "maaned_grenser",
    "neste_virkedag",
    "overlapp_dager",
    "r12_telefonvarsel_i_tide",
    "varighet",
]

OSLO: ZoneInfo = ZoneInfo("Europe/Oslo")

R11_VARSEL_SENEST = time(14, 0)
R12_TELEFON_SENEST = time(15, 30)
R12_OPPSTART = timedelta(hours=2)
R13_OPPSTART = timedelta(days=14)
R21_TERSKEL = timedelta(hours=1)
R25_KLAGEFRIST = timedelta(days=28)
R07_OPPSIGELSESTID = timedelta(days=10)

_EN_DAG = timedelta(days=1)


class NaivtTidspunktError(ValueError):
    """Et tidspunkt uten tidssone ble gitt der et tidssonebevisst tidspunkt kreves."""

    def __init__(self, felt: str, regel: str | None = None) -> None:
        self.felt = felt
        self.regel = regel
        hvor = f" ({regel})" if regel else ""
        super().__init__(f"{felt}{hvor}: tidspunktet mangler tidssone (naivt datetime)")


def krev_tidssone(dt: datetime, felt: str, regel: str | None = None) -> datetime:
    """Returner dt uendret hvis den har tidssone, ellers NaivtTidspunktError som navngir feltet."""
    if not isinstance(dt, datetime):
        raise TypeError(f"{felt}: forventet datetime, fikk {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise NaivtTidspunktError(felt, regel)
    return dt


def _krev_dato(d: date, felt: str) -> date:
    """Avvis datetime der en ren kalenderdato kreves (datetime er subklasse av date)."""
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{felt}: forventet date (ikke datetime), fikk {type(d).__name__}")
    return d


def _lokal(dt: datetime, felt: str, regel: str | None = None) -> datetime:
    """Konverter et tidssonebevisst tidspunkt til Oslo-tid; felt/regel navngis ved feil."""
    return krev_tidssone(dt, felt, regel).astimezone(OSLO)


def _utc(dt: datetime, felt: str, regel: str | None = None) -> datetime:
    """Konverter et tidssonebevisst tidspunkt til UTC; felt/regel navngis ved feil."""
    return krev_tidssone(dt, felt, regel).astimezone(UTC)


def lokal(dt: datetime) -> datetime:
    """Samme øyeblikk uttrykt i Oslo-tid (Europe/Oslo); naivt tidspunkt avvises."""
    return _lokal(dt, "dt")


def lokal_dato(dt: datetime) -> date:
    """Kalenderdatoen i Oslo for et øyeblikk."""
    return _lokal(dt, "dt").date()


def lokalt_tidspunkt(d: date, t: time) -> datetime:
    """Oslo-veggklokke t på dato d; hull -> overgangsøyeblikket, tvetydig -> fold=0."""
    _krev_dato(d, "d")
    if t.tzinfo is not None:
        raise ValueError("t: forventet et veggklokkeslett uten tidssone")
    naiv = datetime.combine(d, t.replace(fold=0))
    kandidat = naiv.replace(tzinfo=OSLO)
    if kandidat.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None) == naiv:
        return kandidat
    return _overgang_i_hull(naiv)


def _overgang_i_hull(naiv: datetime) -> datetime:
    """Første gyldige Oslo-øyeblikk etter et veggklokkehull som naiv ligger i."""
    foer = naiv.replace(tzinfo=OSLO, fold=0).utcoffset()
    etter = naiv.replace(tzinfo=OSLO, fold=1).utcoffset()
    assert foer is not None and etter is not None
    # naiv - etter ligger før overgangen, naiv - foer etter den; halver på hele sekunder.
    lav = math.floor((naiv - etter).replace(tzinfo=UTC).timestamp())
    hoy = math.ceil((naiv - foer).replace(tzinfo=UTC).timestamp())
    while hoy - lav > 1:
        midt = (lav + hoy) // 2
        if datetime.fromtimestamp(midt, OSLO).utcoffset() == etter:
            hoy = midt
        else:
            lav = midt
    return datetime.fromtimestamp(hoy, OSLO)


@lru_cache(maxsize=256)
def helligdager(aar: int) -> Mapping[date, str]:
    """Norske offentlige helligdager for et år (uten vanlige søndager), dato -> navn."""
    kalender = holidays.country_holidays("NO", years=aar, include_sundays=False, language="no")
    return MappingProxyType({d: navn for d, navn in sorted(kalender.items()) if d.year == aar})


def helligdagsnavn(d: date) -> str | None:
    """Navnet på helligdagen d, eller None hvis d ikke er offentlig helligdag."""
    _krev_dato(d, "d")
    return helligdager(d.year).get(d)


def er_helligdag(d: date) -> bool:
    """Sann hvis d er en norsk offentlig helligdag (vanlige søndager teller ikke)."""
    return helligdagsnavn(d) is not None


def er_virkedag(d: date) -> bool:
    """Sann hvis d er mandag-fredag og ikke offentlig helligdag."""
    _krev_dato(d, "d")
    return d.weekday() < 5 and not er_helligdag(d)


def neste_virkedag(d: date) -> date:
    """Første virkedag strengt etter d."""
    neste = _krev_dato(d, "d") + _EN_DAG
    while not er_virkedag(neste):
        neste += _EN_DAG
    return neste


def forrige_virkedag(d: date) -> date:
    """Siste virkedag strengt før d."""
    forrige = _krev_dato(d, "d") - _EN_DAG
    while not er_virkedag(forrige):
        forrige -= _EN_DAG
    return forrige


def legg_til_virkedager(d: date, n: int) -> date:
    """Flytt n virkedager fra d (negativ n bakover; n=0 gir d uendret)."""
    _krev_dato(d, "d")
    steg = neste_virkedag if n >= 0 else forrige_virkedag
    for _ in range(abs(n)):
        d = steg(d)
    return d


def foer(a: datetime, b: datetime) -> bool:
    """a is strictly earlier than b in real time.

    Python compares two datetimes that share a tzinfo by wall clock, so in the autumn DST night
    02:40 CEST would count as later than 02:20 CET; every rule compares instants with this.
    """
    return _utc(a, "a") < _utc(b, "b")


def varighet(start: datetime, slutt: datetime) -> timedelta:
    """Faktisk forløpt tid fra start til slutt, regnet i UTC (sommertidssikker)."""
    return _utc(slutt, "slutt") - _utc(start, "start")


def overlapp_dager(fom: date, tom: date | None, periode_fom: date, periode_tom: date) -> int:
    """Antall kalenderdager i snittet av [fom, tom] (tom None = åpen) og perioden, inklusive."""
    _krev_dato(fom, "fom")
    _krev_dato(periode_fom, "periode_fom")
    _krev_dato(periode_tom, "periode_tom")
    slutt = periode_tom if tom is None else min(_krev_dato(tom, "tom"), periode_tom)
    start = max(fom, periode_fom)
    return max(0, (slutt - start).days + 1)


def maaned_grenser(aar: int, maaned: int) -> tuple[date, date]:
    """Første og siste dag i måneden."""
    if not 1 <= maaned <= 12:
        raise ValueError(f"maaned må være 1-12, fikk {maaned}")
    return date(aar, maaned, 1), date(aar, maaned, calendar.monthrange(aar, maaned)[1])


def frist_r11_varsel(startdato: date) -> datetime:
    """R11: seneste varsel til leverandør er kl. 14:00 Oslo-tid virkedagen før startdato."""
    return lokalt_tidspunkt(forrige_virkedag(_krev_dato(startdato, "startdato")), R11_VARSEL_SENEST)


def r12_telefonvarsel_i_tide(
    varslet: datetime, *, helligdag_teller_som_hverdag: bool = False
) -> bool:
    """R12: telefonvarsel er i tide man-fre (helligdag ikke, med mindre flagget) til 15:30:00."""
    lokalt = _lokal(varslet, "varslet", "R12")
    dag = lokalt.date()
    hverdag = dag.weekday() < 5 and (helligdag_teller_som_hverdag or not er_helligdag(dag))
    return hverdag and lokalt.time() <= R12_TELEFON_SENEST


def frist_r12_oppstart(varslet: datetime) -> datetime:
    """R12: oppstart senest 2 timer faktisk forløpt tid etter telefonvarselet (Oslo-tid)."""
    return (_utc(varslet, "varslet", "R12") + R12_OPPSTART).astimezone(OSLO)


def frist_r13_oppstart(varslet: datetime) -> date:
    """R13: siste tillatte oppstartsdato er lokal dato for varselet + 14 dager."""
    return _lokal(varslet, "varslet", "R13").date() + R13_OPPSTART


def frist_r16_svar(anmodet: datetime) -> datetime:
    """R16: 00:00 Oslo-tid dagen etter neste virkedag (eksklusiv: svart < frist er i tide)."""
    neste = neste_virkedag(_lokal(anmodet, "anmodet", "R16").date())
    return lokalt_tidspunkt(neste + _EN_DAG, time(0, 0))


def frist_r25_klage(mottatt: date, *, forleng_til_virkedag: bool = True) -> date:
    """R25: mottatt + 28 dager; standard forlenget til neste virkedag (dl. § 149 via fvl. § 29)."""
    frist = _krev_dato(mottatt, "mottatt") + R25_KLAGEFRIST
    if forleng_til_virkedag and not er_virkedag(frist):
        frist = neste_virkedag(frist)
    return frist


def frist_r21_videresending(mottatt: datetime, terskel: timedelta = R21_TERSKEL) -> datetime:
    """R21: "straks" som mottatt + terskel (standard 1 time, kontraktstolkning), Oslo-tid."""
    if terskel < timedelta(0):
        raise ValueError("terskel kan ikke være negativ")
    return (_utc(mottatt, "mottatt", "R21") + terskel).astimezone(OSLO)


def frist_r07_bytte(oppsigelsesdato: date) -> tuple[date, date]:
    """R07: (siste dag gammel levering, første dag ny) = (dato + 9, dato + 10)."""
    ny_start = _krev_dato(oppsigelsesdato, "oppsigelsesdato") + R07_OPPSIGELSESTID
    return ny_start - _EN_DAG, ny_start
