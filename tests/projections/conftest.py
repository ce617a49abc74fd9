"""A small scenario builder for the projection tests: commands through BrukervalgApp only."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from application.app import BrukervalgApp
from application.syntetisk import syntetisk_fodselsnummer
from domain import kommandoer as k
from domain.begreper import Aktor, Form, Kanal, Rolle, Sluttarsak, Tjenestetype
from domain.frister import Varselgrunn
from domain.kalender import OSLO, foer, lokal_dato
from domain.leveranse import Besokskategori
from domain.vedtak import Omfang, Utfall
from projections import Projections
from projections.settings import STANDARD_MAPPE, ProjectionSettings
from tests.conftest import SAKSBEHANDLER, VEDTAKSMYNDIG, Klokke

HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG
PB = Tjenestetype.PRAKTISK_BISTAND


def oslo(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=OSLO, fold=fold)  # type: ignore[misc]


def leverandor(leverandor_id: str) -> Aktor:
    return Aktor(person_id=f"koord-{leverandor_id}", rolle=Rolle.LEVERANDOR,
                 organisasjon=f"leverandor:{leverandor_id}")


class Scenario:
    """Commands in the users' words, with the clock set where each fact is recorded."""

    def __init__(self, app: BrukervalgApp, klokke: Klokke, seed: int = 11) -> None:
        self.app = app
        self.klokke = klokke
        self._rng = random.Random(seed)
        self._fnr: set[str] = set()

    def naa(self, *args: int) -> None:
        self.klokke.sett(oslo(*args))

    def _ved(self, *observert: datetime | date | None) -> None:
        """A fact that reports something that happened is recorded when it has happened (BV8):
        the clock moves on to the latest observed time if it is behind (never back)."""
        for t in observert:
            if t is None:
                continue
            naa = self.klokke.naa
            if isinstance(t, datetime):
                if foer(naa, t):
                    self.klokke.sett(t)
            elif lokal_dato(naa) < t:
                self.klokke.sett(oslo(t.year, t.month, t.day, 12))

    def bruker(self, bydel: str = "frogner") -> UUID:
        while True:
            fnr = syntetisk_fodselsnummer(self._rng)
            if fnr not in self._fnr:
                self._fnr.add(fnr)
                break
        return self.app.registrer_bruker(k.RegistrerBruker(
            fodselsnummer=fnr, navn="Test Bruker", bydel=bydel), SAKSBEHANDLER).id

    def vedtak(self, bruker: UUID, fra: date, *, tjenestetype: Tjenestetype = HSP,
               til: date | None = None, minutter: int = 420, per_uker: int = 1) -> UUID:
        return self.app.fatt_vedtak(k.FattVedtak(
            bruker_id=bruker, tjenestetype=tjenestetype, gyldig_fra=fra, gyldig_til=til,
            omfang=Omfang(minutter=minutter, per_uker=per_uker),
            # made on its first day, or today when it starts ahead (BV8: not made in the future)
            vedtaksdato=min(fra, lokal_dato(self.klokke.naa))), VEDTAKSMYNDIG).id

    def velg(self, bruker: UUID, leverandor_id: str, fra: date,
             tjenestetype: Tjenestetype = HSP) -> None:
        self.app.velg_leverandor(k.VelgLeverandor(
            bruker_id=bruker, tjenestetype=tjenestetype, leverandor_id=leverandor_id,
            form=Form.MUNTLIG, gyldig_fra=fra), SAKSBEHANDLER)

    def bestill(self, bruker: UUID, vedtak: UUID | None, fom: date, *,
                tjenestetype: Tjenestetype = HSP, tom: date | None = None,
                leverandor_id: str | None = None) -> UUID:
        return self.app.bestill_leveranse(k.BestillLeveranse(
            bruker_id=bruker, tjenestetype=tjenestetype, vedtak_id=vedtak, fom=fom, tom=tom,
            leverandor_id=leverandor_id), SAKSBEHANDLER).id

    def sak(self, fom: date, *, minutter: int = 420, tjenestetype: Tjenestetype = HSP,
            leverandor_id: str | None = None, bydel: str = "frogner",
            til: date | None = None) -> tuple[UUID, UUID, UUID]:
        """(bruker, vedtak, leveranse): a user with a vedtak from ``fom`` and its delivery."""
        b = self.bruker(bydel)
        v = self.vedtak(b, fom, tjenestetype=tjenestetype, minutter=minutter, til=til)
        lev = self.bestill(b, v, fom, tjenestetype=tjenestetype, leverandor_id=leverandor_id)
        return b, v, lev

    def varsle(self, lev: UUID, varslet: datetime, kanal: Kanal = Kanal.PASIENTOVERGANG,
               hast: bool = False, gjelder: Varselgrunn = Varselgrunn.START,
               gjelder_fra: date | None = None) -> None:
        self._ved(varslet)
        self.app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=lev, kanal=kanal,
                                                      varslet_tid=varslet, hast=hast,
                                                      gjelder=gjelder, gjelder_fra=gjelder_fra),
                                   SAKSBEHANDLER)

    def start(self, lev: UUID, startet: datetime, leverandor_id: str = "kommunal") -> None:
        self._ved(startet)
        self.app.start_leveranse(k.StartLeveranse(leveranse_id=lev, startet_tid=startet),
                                 leverandor(leverandor_id))

    def besok(self, lev: UUID, start: datetime, slutt: datetime, *, akutt: bool = False,
              leverandor_id: str = "kommunal") -> None:
        self._ved(slutt)
        self.app.registrer_besok(k.RegistrerBesok(
            leveranse_id=lev, start=start, slutt=slutt, ansatt="ans-07",
            kategori=Besokskategori.AKUTT_EKSTRA if akutt else Besokskategori.ORDINAER,
            tiltakskode="AKUTT-01" if akutt else None), leverandor(leverandor_id))

    def besok_daglig(self, lev: UUID, fra: date, til: date, start: tuple[int, int],
                     minutter: int, leverandor_id: str = "kommunal") -> None:
        """One visit a day at the same wall-clock time, recorded in one batch."""
        besok = []
        dag = fra
        while dag <= til:
            s = oslo(dag.year, dag.month, dag.day, *start)
            besok.append(k.RegistrerBesok(leveranse_id=lev, start=s,
                                          slutt=s + timedelta(minutes=minutter),
                                          ansatt="ans-07"))
            dag += timedelta(days=1)
        self._ved(*(b.slutt for b in besok))
        self.app.registrer_besok_samlet(lev, besok, leverandor(leverandor_id))

    def avbestill(self, lev: UUID, start: datetime, slutt: datetime, avbestilt: datetime,
                  leverandor_id: str = "kommunal") -> None:
        self._ved(avbestilt)
        self.app.avbestill_besok(k.AvbestillBesok(
            leveranse_id=lev, planlagt_start=start, planlagt_slutt=slutt,
            avbestilt_tid=avbestilt, journalreferanse="OL-beskjed 17"),
            leverandor(leverandor_id))

    def bytt(self, bruker: UUID, til: str, oppsigelsesdato: date,
             tjenestetype: Tjenestetype = HSP) -> UUID:
        self._ved(oppsigelsesdato)
        return self.app.bytt_leverandor(k.ByttLeverandor(
            bruker_id=bruker, tjenestetype=tjenestetype, til_leverandor_id=til,
            form=Form.MUNTLIG, oppsigelsesdato=oppsigelsesdato), SAKSBEHANDLER).id

    def dod(self, bruker: UUID, dato: date) -> None:
        self._ved(dato)
        self.app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=bruker, dodsdato=dato),
                                    SAKSBEHANDLER)

    def avslutt(self, lev: UUID, sluttdato: date) -> None:
        self.app.avslutt_leveranse(k.AvsluttLeveranse(
            leveranse_id=lev, sluttdato=sluttdato, arsak=Sluttarsak.BEHOV_OPPHORT,
            sluttnotat="Behovet er borte"), SAKSBEHANDLER)

    def anmod_revurdering(self, vedtak: UUID, anmodet: datetime,
                          leverandor_id: str = "kommunal") -> UUID:
        self._ved(anmodet)
        rid = UUID(int=self._rng.getrandbits(128))
        self.app.anmod_revurdering(k.AnmodRevurdering(
            vedtak_id=vedtak, anmodet_tid=anmodet, leverandor_id=leverandor_id,
            begrunnelse="Trenger mer tid", revurdering_id=rid), leverandor(leverandor_id))
        return rid

    def besvar_revurdering(self, vedtak: UUID, rid: UUID, besvart: datetime,
                           nytt: int | None = None, fra: date | None = None) -> None:
        self._ved(besvart)
        self.app.besvar_revurdering(k.BesvarRevurdering(
            vedtak_id=vedtak, revurdering_id=rid, besvart_tid=besvart,
            utfall=Utfall.ENDRET if nytt else Utfall.AVSLATT,
            nytt_omfang=Omfang(minutter=nytt) if nytt else None, gyldig_fra=fra), VEDTAKSMYNDIG)

    def bekymring(self, lev: UUID, mottatt: datetime, videresendt: datetime | None,
                  leverandor_id: str = "kommunal") -> None:
        self._ved(mottatt, videresendt)
        self.app.motta_bekymringsmelding(k.MottaBekymringsmelding(
            leveranse_id=lev, mottatt_tid=mottatt, fagjournal="OL-fagjournal 3",
            videresendt_tid=videresendt,
            beskjedjournal="OL-beskjedjournal 4" if videresendt else None),
            leverandor(leverandor_id))

    def vedtak_mottatt(self, vedtak: UUID, dato: date) -> None:
        self._ved(dato)
        self.app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(vedtak_id=vedtak,
                                                                   mottatt_dato=dato),
                                          SAKSBEHANDLER)

    def klage(self, vedtak: UUID, dato: date) -> None:
        self._ved(dato)
        self.app.motta_klage(k.MottaKlage(vedtak_id=vedtak, mottatt_dato=dato,
                                          gjelder="Omfanget"), SAKSBEHANDLER)

    def flytt(self, bruker: UUID, til: str, dato: date) -> None:
        self.app.flytt_til_bydel(k.FlyttTilBydel(bruker_id=bruker, til_bydel=til, dato=dato),
                                 SAKSBEHANDLER)


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def scenario(request: pytest.FixtureRequest, lag_app: Callable[..., BrukervalgApp],
             klokke: Klokke) -> Scenario:
    """Each rule test runs twice: on the in-memory store (projections in an in-memory SQLite
    database) and on PostgreSQL (projection tables beside the events)."""
    return Scenario(lag_app(request.param), klokke)


@pytest.fixture
def projeksjoner(scenario: Scenario) -> Iterator[Projections]:
    p = Projections(scenario.app)
    yield p
    p.close()


def konfig_med(tmp_path: Path, **endringer: str) -> ProjectionSettings:
    """The standard configuration with lines of one file replaced (``fil="old=>new"``)."""
    mappe = tmp_path / "konfig"
    mappe.mkdir(exist_ok=True)
    for navn in ("betaling.toml", "egenandel.toml", "sla.toml"):
        tekst = (STANDARD_MAPPE / navn).read_text(encoding="utf-8")
        for fil, endring in endringer.items():
            if f"{fil}.toml" == navn:
                for del_ in endring.split("||"):
                    gammel, ny = del_.split("=>")
                    assert gammel in tekst, gammel
                    tekst = tekst.replace(gammel, ny)
        (mappe / navn).write_text(tekst, encoding="utf-8")
    return ProjectionSettings.last(mappe)
