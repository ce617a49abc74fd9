"""The column-wise path of the time-report import: a whole chunk decided at once (polars).

The reference is the line-by-line path (``linjer.Linjevis._behandle``): every line through the
domain's own functions (``leveranse.Tidsrapport``). This path only ever *accepts*: it takes a
chunk when it can show that the line-by-line path would accept every line of it (as new, or as
already recorded) and would record exactly what it records here. A chunk with any line it cannot
show that for (a bad line, an overlap with a cancellation, a user with more than one delivery of
the tjenestetype from the provider, a timestamp written in an unusual form, quoting...) is handed
back and decided line by line, so every rejection, and its rule and message, still comes from
the domain. ``tests/integration/test_tidsrapport_kolonner.py`` checks the two paths against each
other on generated files, line by line and event by event.

What "would accept" means here, per line (the checks of ``leveranse.sjekk_besok``,
``sjekk_avbestilling``, ``sjekk_besok_paa_leveranse`` and ``sjekk_avbestilling_paa_leveranse``,
and the import's own parsing):

- ``type`` is ``besok`` or ``avbestilling``; ``bruker``, ``tjenestetype``, ``start``, ``slutt``
  are given; the tjenestetype and the kategori are known;
- every time is ``YYYY-MM-DDTHH:MM[:SS]`` with ``Z`` or a ``±HH:MM`` offset and a real date (the
  form ``datetime.fromisoformat`` reads to the same instant; an unusual form goes line by line);
- a visit: ends after it starts, lasts at most 24 hours (R18), has a staff pseudonym that is not
  eleven digits (R28a), a tiltakskode when ``akutt_ekstra`` (R18a), and no date after the user's
  death or moving out (R23, judged on the UTC date plus one, which is never earlier than Oslo's);
- a cancellation: ``avbestilt_tid`` and a journal reference given, planned end after start (R20);
- no visit's start or end and no cancellation's ``avbestilt_tid`` after the recording time plus
  the clock-skew tolerance (BV8; the planned times of a cancelled visit may lie ahead);
- no accepted visit overlaps a cancellation of its delivery, and no accepted cancellation a visit
  (R20), counting what the delivery already knows and the chunk's own lines;
- the text fields that go into the event are printable ASCII without ``"`` and ``\\``, or Latin
  letters up to U+02FF (their JSON is then the text itself, as orjson writes it; BV6 allows them
  and they are already NFC).

A line is "already recorded" exactly as in the domain: a visit with the same start, end and staff
member (the same instants), a cancellation with the same planned start, on the delivery or on an
earlier line of the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import polars as pl
from eventsourcing.persistence import StoredEvent

from application.tidsrapport.kolonnelesing import (
    _KOLONNER,
    _fra_mikrosekunder,
    forbered,
    i_mikrosekunder,
    les_blokk,
)
from domain import kalender
from domain import leveranse as l_mod
from domain.begreper import KLOKKESKJEVHET, Kontekst, Sluttarsak, Tjenestetype
from domain.leveranse import AvbestillingerRapportert, BesokRapportert, Besokskategori, Leveranse

_SKJEMA = {"start_us": pl.Int64, "slutt_us": pl.Int64, "ansatt": pl.String, "er_besok": pl.Boolean}


@dataclass
class Ventende:
    """A chunk's accepted lines of one delivery, not yet folded into its state: rows
    ``fra``..``fra + antall`` of the chunk's accepted lines (sorted by delivery), and the ids of
    their events."""

    # A field list alike in shape with the commands' and events' (domain/kommandoer.py,
    # domain/leveranse/tilstand.py): a chunk of lines waiting to be saved, with its own fields.
    nye: pl.DataFrame
    fra: int
    antall: int
    timestamp: datetime
    fil_sha256: str
    besok_hendelse: UUID | None = None
    avbestilling_hendelse: UUID | None = None
    versjon: int = 0  # the delivery's version after the lines' events
    bit: int = 0  # which column-wise chunk of the import

    def egne(self) -> pl.DataFrame:
        return self.nye.slice(self.fra, self.antall)

    def brett_inn(self, lev: Leveranse) -> Leveranse:
        """``lev`` with the lines folded in exactly as their events will be folded when read back
        (``l_mod.projiser``): a new state, at the version of the lines' last event. The events
        exist here only in their stored form, so this is their fold."""
        fra = datetime.fromisoformat
        besok_hendelse, avbestilling_hendelse = self.besok_hendelse, self.avbestilling_hendelse
        besok: list[l_mod.Besok] = []
        avbestillinger: list[l_mod.Avbestilling] = []
        for (linje, er_besok, s, e, ansatt, kat, tiltak, avbestilt,
             journal) in self.egne().select(
                "linje", "er_besok", "start_json", "slutt_json", "ansatt", "kategori",
                "tiltakskode", "avbestilt_tid_json", "journalreferanse").iter_rows():
            if er_besok:
                assert besok_hendelse is not None, "folded before its event was made"
                besok.append(l_mod.Besok(
                    l_mod.rapportert_besok_id(lev.id, self.fil_sha256, linje), fra(s), fra(e),
                    ansatt, Besokskategori(kat or Besokskategori.ORDINAER.value), tiltak or None,
                    self.timestamp, besok_hendelse, linje, self.fil_sha256))
            else:
                assert avbestilling_hendelse is not None, "folded before its event was made"
                avbestillinger.append(l_mod.Avbestilling(
                    fra(s), fra(e), fra(avbestilt), journal, self.timestamp,
                    avbestilling_hendelse, linje, self.fil_sha256))
        return replace(l_mod.med_avbestillinger(l_mod.med_besok(lev, besok), avbestillinger),
                       version=self.versjon)


@dataclass
class Kjent:
    """What a delivery already knows, as this path compares with: its visits' keys and its
    cancellations' intervals (``er_besok`` false; ``ansatt`` empty), from its state and from
    accepted lines not yet folded into it, and the last date anything may be delivered (R23)."""

    fakta: pl.DataFrame  # start_us, slutt_us, ansatt, er_besok
    siste_dato: date | None


def kjent(lev: Leveranse, ventende: list[Ventende]) -> Kjent | None:
    """None when the delivery knows no visit, no cancellation and no end (a new delivery)."""
    a = lev.avsluttet
    if not (lev.besoksnokler or lev.avbestillinger or ventende or a is not None):
        return None
    siste = a.sluttdato if a is not None and a.arsak in (Sluttarsak.DODSFALL,
                                                         Sluttarsak.FLYTTET) else None
    rader = [(i_mikrosekunder(s), i_mikrosekunder(e), ansatt, True)
             for s, e, ansatt in lev.besoksnokler]
    rader += [(i_mikrosekunder(x.planlagt_start), i_mikrosekunder(x.planlagt_slutt), "", False)
              for x in lev.avbestillinger]
    deler = [pl.DataFrame(rader, schema=_SKJEMA, orient="row")]
    deler += [v.egne().select(pl.col("start_us"), pl.col("slutt_us"),
                              pl.when("er_besok").then("ansatt").otherwise(pl.lit(""))
                              .alias("ansatt"), pl.col("er_besok")) for v in ventende]
    return Kjent(pl.concat(deler), siste)


@dataclass
class Avgjort:
    """A chunk decided column-wise: per line its status and delivery, the events in their stored
    form, and per delivery what the chunk accepted."""

    linjer: pl.DataFrame  # linje, ny (bool), lev (index into leveranse_ider)
    leveranse_ider: list[UUID]
    hendelser: Lagring
    ventende: dict[UUID, Ventende]  # per delivery with accepted lines


def par(df: pl.DataFrame) -> list[tuple[str, str]]:
    """The chunk's distinct (bruker, tjenestetype) pairs, in order of first appearance."""
    return df.select("bruker", "tjenestetype").unique(maintain_order=True).rows()


def avgjor(df: pl.DataFrame, leveranse_for: dict[tuple[str, str], Leveranse],
           kjent: dict[UUID, Kjent | None], lagring: Lagring) -> Avgjort | None:
    """Decide a prepared chunk (``forbered``) whose every (bruker, tjenestetype) pair has its one
    delivery in ``leveranse_for`` (``kjent``: what each knows); None if any line needs the
    line-by-line path. The events are numbered after ``lagring.versjoner``.
    """
    if not df["ren"].all():
        return None
    # BV8: a visit's start and end and a cancellation's time are observations; a chunk with one
    # after the recording time (beyond the tolerance) is the domain's to refuse, line by line.
    senest_us = i_mikrosekunder(lagring.ktx.naa + KLOKKESKJEVHET)
    if df.select(pl.when("er_besok").then(pl.max_horizontal("start_us", "slutt_us"))
                 .otherwise("avbestilt_tid_us").gt(senest_us).any()).item():
        return None
    leveranser: list[Leveranse] = []
    indeks: dict[UUID, int] = {}
    brukere, tjenester, lev_nr = [], [], []
    for (bruker, tj), lev in leveranse_for.items():
        nr = indeks.get(lev.id)
        if nr is None:
            nr = indeks[lev.id] = len(leveranser)
            leveranser.append(lev)
        brukere.append(bruker)
        tjenester.append(tj)
        lev_nr.append(nr)
    koblinger = pl.DataFrame({"bruker": brukere, "tjenestetype": tjenester, "lev": lev_nr},
                             schema={"bruker": pl.String, "tjenestetype": pl.String,
                                     "lev": pl.UInt32})
    df = df.drop("ren").join(koblinger, on=["bruker", "tjenestetype"], how="left",
                             maintain_order="left")
    if df["lev"].null_count():
        return None
    er_besok = pl.col("er_besok")
    # A line's key: a visit's start, end and staff member; a cancellation's planned start.
    df = df.with_columns(pl.when(er_besok).then("slutt_us").otherwise(0).alias("k_slutt"),
                         pl.when(er_besok).then("ansatt").otherwise(pl.lit("")).alias("k_ansatt"))
    nokkel = ["lev", "er_besok", "start_us", "k_slutt", "k_ansatt"]

    med = [(i, k) for i, lev in enumerate(leveranser) if (k := kjent[lev.id]) is not None]
    gamle = pl.concat([pl.DataFrame(schema={"lev": pl.UInt32, **_SKJEMA})]
                      + [k.fakta.with_columns(pl.lit(i, dtype=pl.UInt32).alias("lev"))
                         .select("lev", *_SKJEMA) for i, k in med if k.fakta.height])

    # R23: no visit dated after the user's death or moving out.
    siste = [(i, k.siste_dato) for i, k in med if k.siste_dato is not None]
    if siste:
        grense = pl.DataFrame({"lev": pl.Series([i for i, _ in siste], dtype=pl.UInt32),
                               "siste": [d for _, d in siste]})
        if (df.filter(er_besok).join(grense, on="lev")
                .filter(pl.from_epoch("start_us", "us").dt.date() + pl.duration(days=1)
                        > pl.col("siste")).height):
            return None

    # New: not known to the delivery, and the first such line of the chunk.
    forste = pl.struct(nokkel).is_first_distinct()
    if gamle.height:
        kjente = (gamle.select("lev", "er_besok", "start_us",
                               pl.when(er_besok).then("slutt_us").otherwise(0).alias("k_slutt"),
                               pl.col("ansatt").alias("k_ansatt"))
                  .unique().with_columns(pl.lit(True).alias("gammel")))
        df = df.join(kjente, on=nokkel, how="left", maintain_order="left").with_columns(
            (pl.col("gammel").is_null() & forste).alias("ny")).drop("gammel")
    else:
        df = df.with_columns(forste.alias("ny"))

    # R20: no new visit overlaps a cancellation, no new cancellation a visit.
    nye = df.filter("ny")
    intervaller = ["lev", "start_us", "slutt_us"]
    nye_a = nye.filter(~er_besok).select(intervaller)
    if nye_a.height or gamle.filter(~er_besok).height:
        nye_b = nye.filter(er_besok).select(intervaller)
        alle_b = pl.concat([nye_b, gamle.filter(er_besok).select(intervaller)])
        alle_a = pl.concat([nye_a, gamle.filter(~er_besok).select(intervaller)])
        for v, c in ((nye_b, alle_a), (alle_b, nye_a)):
            if v.height and c.height and v.join(c, on="lev", suffix="_a").filter(
                    (pl.col("start_us") < pl.col("slutt_us_a"))
                    & (pl.col("start_us_a") < pl.col("slutt_us"))).height:
                return None

    ventende = _hendelser(df, nye, leveranser, lagring)
    return Avgjort(df.select("linje", "ny", "lev"), [lev.id for lev in leveranser], lagring,
                   ventende)


def _hendelser(df: pl.DataFrame, nye: pl.DataFrame, leveranser: list[Leveranse],
               lagring: Lagring) -> dict[UUID, Ventende]:
    """Per delivery, in order of its first line in the chunk (as ``Tidsrapport.hendelser``
    makes them): its events (to ``lagring``), and its accepted lines as pending."""
    er_besok = pl.col("er_besok")
    # Kept while pending (only what folding and later comparisons need).
    sortert = nye.select("lev", "linje", "er_besok", "start_us", "slutt_us", "ansatt", "kategori",
                         "tiltakskode", "start_json", "slutt_json", "avbestilt_tid_json",
                         "journalreferanse").sort("lev", maintain_order=True)
    per: list[dict[int, tuple[str, int, int]]] = []
    for rader in (nye.filter(er_besok), nye.filter(~er_besok)):
        per.append({r[0]: r[1:] for r in rader.group_by("lev").agg(
            pl.col("json").str.join(","), pl.col("start_us").min(),
            pl.col("slutt_us").max()).iter_rows()})
    antall = dict(sortert.group_by("lev").len().iter_rows())
    forst, fra = {}, 0
    for nr in sorted(antall):
        forst[nr] = fra
        fra += antall[nr]
    ventende: dict[UUID, Ventende] = {}
    for nr in df["lev"].unique(maintain_order=True).to_list():
        if nr not in antall:
            continue
        lev = leveranser[nr]
        v = ventende[lev.id] = Ventende(sortert, forst[nr], antall[nr], lagring.ktx.naa,
                                        lagring.sha)
        if (b := per[0].get(nr)) is not None:
            v.besok_hendelse = lagring.besok(lev, *b)
        if (a := per[1].get(nr)) is not None:
            v.avbestilling_hendelse = lagring.avbestillinger(lev, *a)
        v.versjon = lagring.versjoner[lev.id]
    return ventende


class Lagring:
    """A chunk's events, from the JSON items of each delivery's accepted lines: exactly what
    storing the line-by-line path's ``BesokRapportert`` and ``AvbestillingerRapportert`` would
    give (the same fields; a new event id each). The deciding thread numbers them and gives
    them their ids; their stored form is made where they are saved (``lagrede``).

    ``versjoner``: each delivery's version before the chunk (its lines still pending from
    earlier chunks included); the events are numbered after it, and it holds the version after.
    """

    def __init__(self, mapper: Any, sha: str, ktx: Kontekst,
                 versjoner: dict[UUID, int] | None = None) -> None:
        self.sha, self.ktx = sha, ktx
        self.versjoner = dict(versjoner or {})
        felles: dict[str, Any] = {"originator_id": UUID(int=0), "originator_version": 1, "timestamp": ktx.naa,
                  "aktor": ktx.aktor, "fil_sha256": sha, "fom": date.min, "tom": date.min}
        self._besok = mapper.liste_lager(BesokRapportert(**felles, besok=()), "besok")
        self._avb = mapper.liste_lager(AvbestillingerRapportert(**felles, avbestillinger=()),
                                       "avbestillinger")
        self._oppskrifter: list[tuple[Callable[..., StoredEvent], UUID, int, UUID, int, int,
                                      str]] = []

    def __len__(self) -> int:
        return len(self._oppskrifter)

    def besok(self, lev: Leveranse, elementer: str, fra: int, til: int) -> UUID:
        return self._ny(self._besok, lev, elementer, fra, til)

    def avbestillinger(self, lev: Leveranse, elementer: str, fra: int, til: int) -> UUID:
        return self._ny(self._avb, lev, elementer, fra, til)

    def _ny(self, lager: Callable[..., StoredEvent], lev: Leveranse, elementer: str, fra: int,
            til: int) -> UUID:
        versjon = self.versjoner[lev.id] = self.versjoner.get(lev.id, lev.version) + 1
        hendelse_id = uuid4()
        self._oppskrifter.append((lager, lev.id, versjon, hendelse_id, fra, til, elementer))
        return hendelse_id

    def lagrede(self) -> list[StoredEvent]:
        """The events in their stored form. fom and tom: the Oslo dates of the earliest and the
        latest instant of the event's lines."""
        dato = _OsloDatoer()
        return [lager(lev_id, versjon, hendelse_id, {"fom": dato(fra), "tom": dato(til)},
                      elementer.encode("utf-8"))
                for lager, lev_id, versjon, hendelse_id, fra, til, elementer in self._oppskrifter]


class _OsloDatoer:
    """Oslo dates of instants, remembered per UTC hour: Oslo's offset from UTC is whole hours and
    changes on the hour, so every instant of a UTC hour has the same Oslo date (checked: an
    offset that is not whole hours is not remembered)."""

    def __init__(self) -> None:
        self._kjent: dict[int, date] = {}

    def __call__(self, us: int) -> date:
        time = us // 3_600_000_000
        dato = self._kjent.get(time)
        if dato is None:
            t = _fra_mikrosekunder(us).astimezone(kalender.OSLO)
            dato = t.date()  # as kalender.lokal_dato gives it
            forskyvning = t.utcoffset()
            if forskyvning is not None and forskyvning % timedelta(hours=1) == timedelta(0):
                self._kjent[time] = dato
        return dato


def oslo_dato(us: int) -> date:
    return kalender.lokal_dato(_fra_mikrosekunder(us))


_EKSEMPEL = (  # two lines of each kind: every expression of the column-wise path runs on them
    "besok;00000000-0000-0000-0000-000000000000;hjemmesykepleie_dag;2026-03-02T08:00:00+01:00;"
    "2026-03-02T08:40:00+01:00;k-1;;;;\n"
    "avbestilling;00000000-0000-0000-0000-000000000000;hjemmesykepleie_dag;"
    "2026-03-03T08:00:00+01:00;2026-03-03T08:45:00+01:00;;;;2026-03-02T12:00:00+01:00;OL 1\n")


def varm_opp(mapper: Any) -> None:
    """Run the column-wise path once on two made-up lines and a made-up delivery (nothing is
    read or stored): polars' first use (its thread pool, regular expressions, CSV reader) costs
    ~20 ms, paid here at start instead of in a provider's first upload."""
    from domain.begreper import Aktor, Rolle

    df = les_blokk(_EKSEMPEL.encode(), ["type", *_KOLONNER], ";")
    if df is None:
        return
    df = forbered(df, 2)
    lev = Leveranse(id=UUID(int=1), version=1, bruker_id=UUID(int=0), vedtak_id=None,
                    tjenestetype=Tjenestetype.HJEMMESYKEPLEIE_DAG, leverandor_id="-",
                    fom=date(2026, 1, 1), tom=None)
    ktx = Kontekst(Aktor(person_id="oppvarming", rolle=Rolle.LEVERANDOR,
                         organisasjon="leverandor:-"), datetime.now(UTC))
    lagring = Lagring(mapper, "0" * 64, ktx)
    avgjor(df, {(str(UUID(int=0)), "hjemmesykepleie_dag"): lev}, {lev.id: None}, lagring)
    lagring.lagrede()
