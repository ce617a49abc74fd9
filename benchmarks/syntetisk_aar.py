"""A realistic synthetic year of brukervalg, written through BrukervalgApp (for benchmarks).

    stats = generer(app, brukere=3000, dager=365, seed=1)

Day by day (Oslo time, the app's clock moved to each moment): users are registered (most on day
one, the rest through the year), informed (R01), some choose a private provider (R02, else the
municipal one, R03), get a vedtak for home nursing (dag/kveld/natt/stasjonær) and/or praktisk
bistand (R15), which reaches them (R25); a delivery is ordered and the provider notified by
Pasientovergang/Henvendelse (R09, R11, R13) or urgently by telephone (R12), and started. Visits:
about two a day per home-nursing user (night visits cross midnight and the DST nights), one a
week for praktisk bistand; some are cancelled (R20, some late), a few are documented acute
extras (R18a). Through the year: switches (R06-R09), revurderinger answered after 0-4 working
days (R16, R17), bekymringsmeldinger forwarded after minutes to hours (R21), appeals (R25),
extended vedtak (R11), moves between bydeler (R24), moves out and deaths (R23).

Every command goes through BrukervalgApp's use cases, with one exception for speed: visits and
cancellations (the bulk, ~99 % of events) are decided by the same domain function the app uses
(``domain.leveranse.registrer_besok`` / ``avbestill``) on a per-delivery state the generator keeps
up to date, and saved with ``app.save`` in large batches (``besok_via="samlet"`` sends them
through ``registrer_besok_samlet`` instead, weekly per delivery: the same events, much slower
because every call replays the delivery). Providers report a week of visits each Sunday evening.
"""

from __future__ import annotations

import random
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID, uuid4

from application.app import BrukervalgApp
from application.syntetisk import syntetisk_fodselsnummer
from domain import frister, kalender
from domain import kommandoer as k
from domain import leveranse as l_mod
from domain.begreper import Aktor, Form, Hendelse, Kanal, Kontekst, Regelbrudd, Rolle, Tjenestetype, kanal_for
from domain.bruker import Mottaker
from domain.leveranse import Besokskategori, Leveranse
from domain.vedtak import Omfang, Utfall

SB = Aktor(person_id="syntetisk-saksbehandler", rolle=Rolle.SAKSBEHANDLER,
           organisasjon="bydel:syntetisk")
VM = Aktor(person_id="syntetisk-vedtaksmyndig", rolle=Rolle.VEDTAKSMYNDIG,
           organisasjon="bydel:syntetisk")
_EN_DAG = timedelta(days=1)

_HS_TYPER = [(Tjenestetype.HJEMMESYKEPLEIE_DAG, 0.62), (Tjenestetype.HJEMMESYKEPLEIE_KVELD, 0.22),
             (Tjenestetype.HJEMMESYKEPLEIE_NATT, 0.10),
             (Tjenestetype.HJEMMESYKEPLEIE_STASJONAER, 0.06)]
# Visit slots per day: (earliest start, latest start, min minutes, max minutes).
_SLOTS: dict[Tjenestetype, list[tuple[time, time, int, int]]] = {
    Tjenestetype.HJEMMESYKEPLEIE_DAG: [(time(7, 0), time(9, 30), 25, 45),
                                       (time(12, 0), time(15, 0), 15, 30)],
    Tjenestetype.HJEMMESYKEPLEIE_KVELD: [(time(16, 0), time(18, 0), 20, 40),
                                         (time(19, 30), time(22, 0), 15, 35)],
    Tjenestetype.HJEMMESYKEPLEIE_NATT: [(time(22, 30), time(23, 45), 30, 50),
                                        (time(1, 30), time(3, 30), 15, 30)],
    Tjenestetype.HJEMMESYKEPLEIE_STASJONAER: [(time(9, 0), time(10, 30), 30, 60),
                                              (time(13, 0), time(14, 30), 20, 40)],
}


@dataclass
class Statistikk:
    brukere: int = 0
    vedtak: int = 0
    leveranser: int = 0
    besok: int = 0
    avbestillinger: int = 0
    akutte_besok: int = 0
    bytter: int = 0
    dodsfall: int = 0
    utflyttinger: int = 0
    bydelsflyttinger: int = 0
    revurderinger: int = 0
    bekymringsmeldinger: int = 0
    klager: int = 0
    forlengelser: int = 0
    hasteoppstarter: int = 0
    hendelser: int = 0
    sekunder: float = 0.0


@dataclass
class _Lev:
    id: UUID
    leverandor_id: str
    fom: date
    tom: date | None
    tilstand: Leveranse
    uke: list[tuple[str, datetime, datetime, str, Besokskategori]] = field(default_factory=list)


@dataclass
class _Tjeneste:
    tjenestetype: Tjenestetype
    vedtak_id: UUID
    vedtak_til: date | None
    omfang: Omfang
    leveranser: list[_Lev] = field(default_factory=list)
    pb_ukedag: int = 0
    revurdering: tuple[UUID, date] | None = None

    def aktiv(self, dag: date) -> _Lev | None:
        for lev in self.leveranser:
            if lev.fom <= dag and (lev.tom is None or dag <= lev.tom) and lev.tom != lev.fom - _EN_DAG:
                return lev
        return None


@dataclass
class _Bruker:
    id: UUID
    bydel: str
    tjenester: list[_Tjeneste] = field(default_factory=list)
    slutt: date | None = None


class _Generator:
    def __init__(self, app: BrukervalgApp, rng: random.Random, start: date, besok_via: str,
                 batch: int, intensitet: float = 1.0) -> None:
        self.app = app
        self.intensitet = intensitet
        self.rng = rng
        self.start = start
        self.besok_via = besok_via
        self.batch = batch
        self.naa = kalender.lokalt_tidspunkt(start, time(8, 0))
        self.stats = Statistikk()
        self.brukere: list[_Bruker] = []
        self.fnr: set[str] = set()
        self.ventende: list[Hendelse] = []
        self.bydeler = sorted(app.ref.bydeler)
        self.leverandorer = app.ref.leverandorer
        self.kommunal = app.ref.kommunal_id
        self.planlagt: dict[date, list[Callable[[], None]]] = {}
        self._klokke = app.klokke

    # --- plumbing ---------------------------------------------------------------------------

    def klokke(self) -> datetime:
        return self.naa

    def sett(self, dag: date, t: time) -> datetime:
        """Move the clock forward to a wall-clock time (it never goes back)."""
        self.naa = max(self.naa, kalender.lokalt_tidspunkt(dag, t))
        return self.naa

    def tid(self, dag: date, fra: time, til: time) -> datetime:
        a = fra.hour * 60 + fra.minute
        b = til.hour * 60 + til.minute
        m = self.rng.randint(a, b)
        return kalender.lokalt_tidspunkt(dag, time(m // 60, m % 60))

    def planlegg(self, dag: date, gjor: Callable[[], None]) -> None:
        self.planlagt.setdefault(dag, []).append(gjor)

    def aktor(self, leverandor_id: str) -> Aktor:
        return Aktor(person_id=f"koord-{leverandor_id}", rolle=Rolle.LEVERANDOR,
                     organisasjon=f"leverandor:{leverandor_id}")

    def synk(self, lev: _Lev) -> None:
        """Bring the generator's copy of a delivery up to date after an app command."""
        tilstand = lev.tilstand
        for e in self.app.events.get(lev.id, gt=tilstand.version):
            tilstand = l_mod.evolve(e, tilstand)
            tilstand.version = e.originator_version
        lev.tilstand = tilstand
        lev.tom = tilstand.tom

    def lagre_ventende(self, alt: bool = False) -> None:
        if self.ventende and (alt or len(self.ventende) >= self.batch):
            self.app.save(*self.ventende)
            self.stats.hendelser += len(self.ventende)
            self.ventende = []

    def leverandor_for(self, t: Tjenestetype, unntatt: str | None = None) -> str:
        private = [x.id for x in self.leverandorer.values()
                   if x.id != self.kommunal and t in x.tjenestetyper and x.id != unntatt]
        return self.rng.choice(private) if private else self.kommunal

    # --- onboarding -------------------------------------------------------------------------

    def ny_bruker(self, dag: date, eksisterende: bool) -> None:
        app, rng = self.app, self.rng
        self.sett(dag, time(9, rng.randint(0, 59)))
        while True:
            fnr = syntetisk_fodselsnummer(rng, d_nummer=rng.random() < 0.03)
            if fnr not in self.fnr:
                self.fnr.add(fnr)
                break
        bydel = rng.choice(self.bydeler)
        bid = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=fnr, navn="Syntetisk Bruker",
                                                     bydel=bydel), SB).id
        app.registrer_informasjon_gitt(k.RegistrerInformasjonGitt(
            bruker_id=bid, gitt_tid=self.naa, gitt_av=SB.person_id,
            gitt_til=Mottaker.BRUKER if rng.random() < 0.7 else Mottaker.PARORENDE), SB)
        b = _Bruker(bid, bydel)
        self.brukere.append(b)
        self.stats.brukere += 1
        typer: list[Tjenestetype] = []
        if rng.random() < 0.78:
            typer.append(rng.choices([t for t, _ in _HS_TYPER], [w for _, w in _HS_TYPER])[0])
            if rng.random() < 0.15:
                typer.append(Tjenestetype.PRAKTISK_BISTAND)
        else:
            typer.append(Tjenestetype.PRAKTISK_BISTAND)
        for t in typer:
            self.ny_tjeneste(b, t, dag, eksisterende)

    def ny_tjeneste(self, b: _Bruker, t: Tjenestetype, dag: date, eksisterende: bool) -> None:
        app, rng = self.app, self.rng
        fom = dag if eksisterende else dag + timedelta(days=rng.randint(1, 4))
        if rng.random() < 0.11:
            leverandor = self.leverandor_for(t)
            app.velg_leverandor(k.VelgLeverandor(
                bruker_id=b.id, tjenestetype=t, leverandor_id=leverandor,
                form=Form.MUNTLIG if rng.random() < 0.6 else Form.SKRIFTLIG, gyldig_fra=fom), SB)
        if t.er_hjemmesykepleie:
            omfang = Omfang(minutter=rng.randrange(280, 560, 10), per_uker=1)
        else:
            per_uker = 2 if rng.random() < 0.2 else 1
            omfang = Omfang(minutter=rng.randrange(60, 150, 15) * per_uker, per_uker=per_uker)
        til = None if rng.random() < 0.8 else fom + timedelta(days=rng.randint(60, 240))
        vedtaksdato = dag - timedelta(days=rng.randint(0, 2))
        vid = app.fatt_vedtak(k.FattVedtak(bruker_id=b.id, tjenestetype=t, gyldig_fra=fom,
                                           gyldig_til=til, omfang=omfang,
                                           vedtaksdato=vedtaksdato), VM).id
        self.stats.vedtak += 1
        mottatt = vedtaksdato + timedelta(days=rng.randint(1, 4))
        tj = _Tjeneste(t, vid, til, omfang, pb_ukedag=rng.randint(0, 4))
        b.tjenester.append(tj)

        def motta() -> None:
            self.sett(mottatt, time(12, 0))
            app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(vedtak_id=vid,
                                                                  mottatt_dato=mottatt), SB)
            if rng.random() < min(1.0, 0.02 * self.intensitet):
                klagedag = mottatt + timedelta(days=rng.randint(5, 40))
                self.planlegg(klagedag, lambda: self.klage(b, vid, klagedag))

        self.planlegg(max(mottatt, dag), motta)
        self.bestill(b, tj, fom, None, urgent=not eksisterende and t.er_hjemmesykepleie
                     and rng.random() < 0.05, dag=dag)

    def bestill(self, b: _Bruker, tj: _Tjeneste, fom: date, leverandor_id: str | None,
                urgent: bool, dag: date) -> _Lev:
        app, rng = self.app, self.rng
        lid = app.bestill_leveranse(k.BestillLeveranse(
            bruker_id=b.id, tjenestetype=tj.tjenestetype, vedtak_id=tj.vedtak_id,
            leverandor_id=leverandor_id, fom=fom), SB).id
        lev = _Lev(lid, "", fom, None, app.leveranse(lid))
        lev.leverandor_id, lev.tom = lev.tilstand.leverandor_id, lev.tilstand.tom
        tj.leveranser.append(lev)
        self.stats.leveranser += 1
        kanal = kanal_for(tj.tjenestetype)
        if urgent:
            varslet = self.tid(dag, time(8, 0), time(16, 30))
            self.naa = max(self.naa, varslet)
            app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=lid, kanal=Kanal.TELEFON,
                                                     varslet_tid=varslet, hast=True), SB)
            startet = varslet + timedelta(minutes=rng.randint(30, 170))
            self.stats.hasteoppstarter += 1
        else:
            frist = frister.r11_varsel_senest(fom)
            if rng.random() < 0.9:
                varslet = min(frist, self.naa) - timedelta(minutes=rng.randint(0, 600))
            else:
                varslet = frist + timedelta(minutes=rng.randint(1, 1500))
            varslet = max(varslet, self.naa - timedelta(days=1))
            self.naa = max(self.naa, varslet)
            app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=lid, kanal=kanal,
                                                     varslet_tid=varslet), SB)
            if tj.tjenestetype.er_hjemmesykepleie:
                startet = kalender.lokalt_tidspunkt(fom, time(8, rng.randint(0, 59)))
            else:
                startet = kalender.lokalt_tidspunkt(
                    max(fom, kalender.lokal_dato(varslet) + timedelta(days=rng.randint(2, 17))),
                    time(10, 0))
        start_dag = kalender.lokal_dato(startet)

        def start() -> None:
            if b.slutt is not None and start_dag > b.slutt:
                return
            self.naa = max(self.naa, startet)
            app.start_leveranse(k.StartLeveranse(leveranse_id=lid, startet_tid=startet),
                                self.aktor(lev.leverandor_id))
            self.synk(lev)

        self.planlegg(start_dag, start)
        self.synk(lev)
        return lev

    # --- through the year -------------------------------------------------------------------

    def klage(self, b: _Bruker, vedtak_id: UUID, dag: date) -> None:
        if b.slutt is not None:
            return
        self.sett(dag, time(11, 0))
        self.app.motta_klage(k.MottaKlage(vedtak_id=vedtak_id, mottatt_dato=dag,
                                          gjelder="omfanget av tjenesten"), SB)
        self.stats.klager += 1

    def hendelser_for_dag(self, dag: date) -> None:
        rng = self.rng
        for gjor in self.planlagt.pop(dag, []):
            gjor()
        for b in list(self.brukere):
            if b.slutt is not None:
                continue
            # Yearly rates: deaths 8 % of home-nursing users (2.4 % otherwise), 0.5 % move out
            # of the municipality, 1 % move to another bydel.
            p_dod = (0.08 if any(t.tjenestetype.er_hjemmesykepleie for t in b.tjenester)
                     else 0.024) / 365 * self.intensitet
            r = rng.random()
            if r < p_dod:
                self.dodsfall(b, dag)
                continue
            if r < p_dod + 0.005 / 365 * self.intensitet:
                self.utflytting(b, dag)
                continue
            if rng.random() < 0.01 / 365 * self.intensitet:
                self.flytt_bydel(b, dag)
            for tj in b.tjenester:
                self.tjeneste_dag(b, tj, dag)

    def tjeneste_dag(self, b: _Bruker, tj: _Tjeneste, dag: date) -> None:
        rng = self.rng
        lev = tj.aktiv(dag)
        if lev is None:
            return
        if tj.vedtak_til is not None and dag == tj.vedtak_til - timedelta(days=7):
            self.forleng(b, tj, dag)
        if rng.random() < 0.045 / 365 * self.intensitet and lev.tilstand.avsluttet is None:
            self.bytte(b, tj, lev, dag)
        if tj.revurdering is None and rng.random() < 0.10 / 365 * self.intensitet:
            self.anmod_revurdering(tj, lev, dag)
        elif tj.revurdering is not None and dag >= tj.revurdering[1]:
            self.besvar_revurdering(tj, dag)
        if rng.random() < 0.03 / 365 * self.intensitet:
            self.bekymring(lev, dag)
        if lev.tilstand.startet_tid is None or kalender.lokal_dato(lev.tilstand.startet_tid) > dag:
            return
        if tj.tjenestetype.er_hjemmesykepleie:
            for fra, til, kort, lang in _SLOTS[tj.tjenestetype]:
                start = self.tid(dag, fra, til)
                self.besok_eller_avbestilling(lev, start, rng.randint(kort, lang))
            if rng.random() < 0.002:
                start = self.tid(dag, time(10, 0), time(20, 0))
                slutt = start + timedelta(minutes=rng.randint(20, 60))
                lev.uke.append(("akutt", start, slutt, self.ansatt(lev),
                                Besokskategori.AKUTT_EKSTRA))
        elif dag.weekday() == tj.pb_ukedag:
            start = self.tid(dag, time(9, 0), time(14, 0))
            self.besok_eller_avbestilling(lev, start, rng.randrange(60, 150, 5))

    def ansatt(self, lev: _Lev) -> str:
        return f"ans-{lev.leverandor_id}-{self.rng.randint(1, 40):02d}"

    def besok_eller_avbestilling(self, lev: _Lev, start: datetime, minutter: int) -> None:
        slutt = start + timedelta(minutes=minutter)
        if self.rng.random() < 0.015:
            lev.uke.append(("avbestilt", start, slutt, "", Besokskategori.ORDINAER))
        else:
            lev.uke.append(("besok", start, slutt, self.ansatt(lev), Besokskategori.ORDINAER))

    def rapporter_uke(self, dag: date) -> None:
        """Providers report the week's visits on Monday morning, after the last one (a visit
        is reported once it has happened, BV8; Sunday's evening and night visits included)."""
        naa = self.sett(dag + timedelta(days=1), time(7, 0))
        for b in self.brukere:
            for tj in b.tjenester:
                for lev in tj.leveranser:
                    if lev.uke:
                        self.rapporter(lev, naa)
        self.lagre_ventende(alt=True)

    def rapporter(self, lev: _Lev, naa: datetime) -> None:
        aktor = self.aktor(lev.leverandor_id)
        # Only what has happened is reported (BV8); a visit later today waits for the next report.
        senere = [x for x in lev.uke if kalender.foer(naa, x[2])]
        if senere:
            lev.uke = [x for x in lev.uke if not kalender.foer(naa, x[2])]
        if self.besok_via == "samlet":
            besok = [k.RegistrerBesok(leveranse_id=lev.id, start=s, slutt=e, ansatt=a, kategori=kat,
                                      tiltakskode="AKUTT-01" if hva == "akutt" else None)
                     for hva, s, e, a, kat in lev.uke if hva != "avbestilt"]
            if besok:
                self.app.registrer_besok_samlet(lev.id, besok, aktor)
            for hva, s, e, _, _ in lev.uke:
                if hva == "avbestilt":
                    self.app.avbestill_besok(k.AvbestillBesok(
                        leveranse_id=lev.id, planlagt_start=s, planlagt_slutt=e,
                        avbestilt_tid=s - timedelta(hours=self.rng.randint(1, 72)),
                        journalreferanse="OL-beskjed"), aktor)
            self.stats.hendelser += len(lev.uke)
            self._tell(lev)
            lev.uke = senere
            self.synk(lev)
            return
        ktx = Kontekst(aktor=aktor, naa=naa)
        tilstand = lev.tilstand
        for hva, s, e, ansatt, kategori in lev.uke:
            try:
                if hva == "avbestilt":
                    nye = l_mod.avbestill(k.AvbestillBesok(
                        leveranse_id=lev.id, planlagt_start=s, planlagt_slutt=e,
                        avbestilt_tid=s - timedelta(hours=self.rng.randint(1, 72)),
                        journalreferanse="OL-beskjed"), tilstand, ktx)
                else:
                    nye = l_mod.registrer_besok(k.RegistrerBesok(
                        leveranse_id=lev.id, start=s, slutt=e, ansatt=ansatt, kategori=kategori,
                        tiltakskode="AKUTT-01" if hva == "akutt" else None), tilstand, ktx)
            except Regelbrudd:
                continue  # e.g. a visit planned after a death registered the same week
            for ev in nye:
                tilstand = l_mod.evolve(ev, tilstand)
                tilstand.version = ev.originator_version
            self.ventende.extend(nye)
        self._tell(lev)
        # The visits are only needed for de-duplication, which this generator never needs.
        tilstand.besok.clear()
        tilstand.besoksnokler.clear()
        tilstand.besok_per_dag.clear()  # the per-day index of the same visits (R20 checks)
        lev.tilstand = tilstand
        lev.uke = senere
        self.lagre_ventende()

    def _tell(self, lev: _Lev) -> None:
        for hva, *_ in lev.uke:
            if hva == "avbestilt":
                self.stats.avbestillinger += 1
            elif hva == "akutt":
                self.stats.akutte_besok += 1
                self.stats.besok += 1
            else:
                self.stats.besok += 1

    def for_kommando(self, b: _Bruker) -> None:
        """Visits reported before a command on the user's deliveries are saved first."""
        for tj in b.tjenester:
            for lev in tj.leveranser:
                if lev.uke:
                    self.rapporter(lev, self.naa)
        self.lagre_ventende(alt=True)

    def bytte(self, b: _Bruker, tj: _Tjeneste, lev: _Lev, dag: date) -> None:
        """R06-R09: a switch with ten days' notice, confirmed and notified."""
        self.for_kommando(b)
        naa = self.sett(dag, time(10, 30))
        til = self.leverandor_for(tj.tjenestetype, unntatt=lev.leverandor_id)
        if til == lev.leverandor_id:
            return
        try:
            ny_id = self.app.bytt_leverandor(k.ByttLeverandor(
                bruker_id=b.id, tjenestetype=tj.tjenestetype, til_leverandor_id=til,
                form=Form.MUNTLIG, oppsigelsesdato=dag), SB).id
        except Regelbrudd:
            return
        self.stats.bytter += 1
        self.synk(lev)
        self.app.send_bytte_bekreftelse(k.SendBytteBekreftelse(
            bruker_id=b.id, tjenestetype=tj.tjenestetype, oppsigelsesdato=dag, sendt_dato=dag), SB)
        kanal = kanal_for(tj.tjenestetype)
        self.app.varsle_oppsigelse(k.VarsleOppsigelse(leveranse_id=lev.id, kanal=kanal,
                                                      varslet_tid=naa), SB)
        self.synk(lev)
        ny_state = self.app.leveranse(ny_id)
        ny = _Lev(ny_id, til, ny_state.fom, ny_state.tom, ny_state)
        tj.leveranser.append(ny)
        self.stats.leveranser += 1
        varslet = naa + timedelta(minutes=self.rng.randint(5, 300))
        self.naa = max(self.naa, varslet)  # recorded once it was given (BV8)
        self.app.varsle_leverandor(k.VarsleLeverandor(
            leveranse_id=ny_id, kanal=kanal, varslet_tid=varslet), SB)
        self.synk(ny)
        startet = kalender.lokalt_tidspunkt(ny.fom, time(8, 15))

        def start() -> None:
            if b.slutt is not None and ny.fom > b.slutt:
                return
            self.naa = max(self.naa, startet)
            self.app.start_leveranse(k.StartLeveranse(leveranse_id=ny_id, startet_tid=startet),
                                     self.aktor(til))
            self.synk(ny)

        self.planlegg(ny.fom, start)

    def forleng(self, b: _Bruker, tj: _Tjeneste, dag: date) -> None:
        """R11 for an extension: extend the vedtak (its delivery continues with it); order a new
        delivery only where the old one had already ended."""
        if tj.vedtak_til is None:
            return
        self.for_kommando(b)
        self.sett(dag, time(13, 0))
        ny_til = tj.vedtak_til + timedelta(days=self.rng.randint(90, 200))
        self.app.forleng_vedtak(k.ForlengVedtak(vedtak_id=tj.vedtak_id, ny_gyldig_til=ny_til), VM)
        fom = tj.vedtak_til + _EN_DAG
        tj.vedtak_til = ny_til
        self.stats.forlengelser += 1
        for lev in tj.leveranser:  # a delivery that ended with the vedtak continues with it
            self.synk(lev)
        siste = tj.leveranser[-1]
        if siste.tom is not None and siste.tom < fom:
            try:
                self.bestill(b, tj, fom, siste.leverandor_id, urgent=False, dag=dag)
            except Regelbrudd:
                return

    def anmod_revurdering(self, tj: _Tjeneste, lev: _Lev, dag: date) -> None:
        rid = uuid4()
        anmodet = self.tid(dag, time(9, 0), time(15, 30))
        self.naa = max(self.naa, anmodet)
        try:
            self.app.anmod_revurdering(k.AnmodRevurdering(
                vedtak_id=tj.vedtak_id, anmodet_tid=anmodet, leverandor_id=lev.leverandor_id,
                begrunnelse="økt behov", revurdering_id=rid), self.aktor(lev.leverandor_id))
        except Regelbrudd:
            return
        self.stats.revurderinger += 1
        virkedager = self.rng.choices([0, 1, 2, 4], [0.15, 0.6, 0.15, 0.1])[0]
        tj.revurdering = (rid, kalender.legg_til_virkedager(dag, virkedager))

    def besvar_revurdering(self, tj: _Tjeneste, dag: date) -> None:
        if tj.revurdering is None:
            return
        rid, _ = tj.revurdering
        tj.revurdering = None
        besvart = self.tid(dag, time(9, 0), time(15, 0))
        self.naa = max(self.naa, besvart)
        endret = self.rng.random() < 0.5 and (tj.vedtak_til is None or dag <= tj.vedtak_til)
        nytt = Omfang(minutter=int(tj.omfang.minutter * 1.2) // 5 * 5,
                      per_uker=tj.omfang.per_uker) if endret else None
        try:
            self.app.besvar_revurdering(k.BesvarRevurdering(
                vedtak_id=tj.vedtak_id, revurdering_id=rid, besvart_tid=besvart,
                utfall=Utfall.ENDRET if endret else Utfall.AVSLATT, nytt_omfang=nytt,
                gyldig_fra=dag if endret else None), VM)
        except Regelbrudd:
            return
        if nytt is not None:
            tj.omfang = nytt

    def bekymring(self, lev: _Lev, dag: date) -> None:
        mottatt = self.tid(dag, time(8, 0), time(20, 0))
        self.naa = max(self.naa, mottatt)
        videresendt = mottatt + timedelta(minutes=self.rng.choice([5, 20, 45, 90, 240]))
        self.naa = max(self.naa, videresendt)  # both recorded once forwarded (BV8)
        self.app.motta_bekymringsmelding(k.MottaBekymringsmelding(
            leveranse_id=lev.id, mottatt_tid=mottatt, fagjournal="OL-fagjournal",
            videresendt_tid=videresendt, beskjedjournal="OL-beskjedjournal"),
            self.aktor(lev.leverandor_id))
        self.synk(lev)
        self.stats.bekymringsmeldinger += 1

    def flytt_bydel(self, b: _Bruker, dag: date) -> None:
        self.sett(dag, time(11, 30))
        til = self.rng.choice([x for x in self.bydeler if x != b.bydel])
        self.app.flytt_til_bydel(k.FlyttTilBydel(bruker_id=b.id, til_bydel=til, dato=dag), SB)
        b.bydel = til
        self.stats.bydelsflyttinger += 1

    def _avslutt(self, b: _Bruker, dag: date, dodsfall: bool) -> None:
        """R23: registered one to three days after the date; every delivery ends on it."""
        registrert = dag + timedelta(days=self.rng.randint(0, 3))

        def registrer() -> None:
            self.for_kommando(b)
            self.sett(registrert, time(14, 0))
            if dodsfall:
                self.app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=b.id, dodsdato=dag), SB)
            else:
                self.app.registrer_utflytting(k.RegistrerUtflytting(bruker_id=b.id, dato=dag), SB)
            for tj in b.tjenester:
                for lev in tj.leveranser:
                    self.synk(lev)

        b.slutt = dag
        if registrert == dag:
            registrer()
        else:
            self.planlegg(registrert, registrer)

    def dodsfall(self, b: _Bruker, dag: date) -> None:
        self.stats.dodsfall += 1
        self._avslutt(b, dag, dodsfall=True)

    def utflytting(self, b: _Bruker, dag: date) -> None:
        self.stats.utflyttinger += 1
        self._avslutt(b, dag, dodsfall=False)


def generer(app: BrukervalgApp, *, brukere: int = 3000, dager: int = 365, seed: int = 1,
            start: date = date(2025, 1, 6), nye_andel: float = 0.15,
            besok_via: str = "direkte", batch: int = 5000, intensitet: float = 1.0,
            underveis: Callable[[int, Statistikk], None] | None = None,
            underveis_dag: int | None = None,
            fremdrift: Callable[[int, Statistikk], None] | None = None) -> Statistikk:
    """Write a synthetic period of ``dager`` days for about ``brukere`` users into ``app``.

    Args:
        app: an empty BrukervalgApp on any store; its clock is driven by the generator and
            restored afterwards.
        brukere: users in total; (1 - nye_andel) of them exist on day one, the rest arrive.
        dager: days simulated from ``start`` (a Monday, on or after 2024-06-01, R04).
        seed: the same seed gives the same facts (ids are random uuids).
        besok_via: "direkte" (decide + batched ``app.save``) or "samlet"
            (``registrer_besok_samlet`` weekly per delivery).
        intensitet: multiplies the yearly rates of the rare facts (switches, deaths, moves,
            revurderinger, concerns, appeals); tests use it to see many in a short period.
        underveis, underveis_dag: called once with (day, stats) after that day is saved.
        fremdrift: called after every simulated week with (day, stats).

    Returns:
        Counts of what was written, the number of events and the seconds it took.
    """
    if besok_via not in ("direkte", "samlet"):
        raise ValueError("besok_via må være direkte eller samlet")
    t0 = _time.perf_counter()
    g = _Generator(app, random.Random(seed), start, besok_via, batch, intensitet)
    app.klokke = g.klokke
    fra = app.recorder.max_notification_id() or 0
    try:
        eksisterende = round(brukere * (1 - nye_andel))
        for _ in range(eksisterende):
            g.ny_bruker(start, eksisterende=True)
        nye_dager = sorted(g.rng.randrange(1, max(2, dager)) for _ in range(brukere - eksisterende))
        for i in range(dager):
            dag = start + timedelta(days=i)
            while nye_dager and nye_dager[0] == i:
                nye_dager.pop(0)
                g.ny_bruker(dag, eksisterende=False)
            g.hendelser_for_dag(dag)
            if dag.weekday() == 6 or i == dager - 1:
                g.rapporter_uke(dag)
                if fremdrift is not None:
                    fremdrift(i + 1, g.stats)
            if underveis is not None and underveis_dag == i + 1:
                g.lagre_ventende(alt=True)
                underveis(i + 1, g.stats)
        g.lagre_ventende(alt=True)
    finally:
        app.klokke = g._klokke
    g.stats.hendelser = (app.recorder.max_notification_id() or 0) - fra
    g.stats.sekunder = _time.perf_counter() - t0
    return g.stats
