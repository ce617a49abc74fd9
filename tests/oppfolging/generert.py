"""A generated month (March 2026) for three providers, with the expected figures computed here
from the generated data alone (never from the code under test)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from application.app import BrukervalgApp
from application.syntetisk import syntetisk_fodselsnummer
from application.tidsrapport import KOLONNER, Tidsrapportimport, fra_tekst
from domain import kommandoer as k
from domain.begreper import Aktor, Form, Rolle, Sluttarsak, Tjenestetype
from domain.kalender import OSLO
from domain.leveranse import Avvikstype
from domain.vedtak import Omfang
from tests.conftest import SAKSBEHANDLER, VEDTAKSMYNDIG

HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG
LEVERANDORER = ("2care", "nordlys", "fjordomsorg")
MIN_PER_DAG = 30  # ordered: 210 minutes per week
HODE = ";".join(KOLONNER)


def aktor(lev: str) -> Aktor:
    return Aktor(person_id=f"koord-{lev}", rolle=Rolle.LEVERANDOR, organisasjon=f"leverandor:{lev}")


def oslo(*a: int) -> datetime:
    return datetime(*a, tzinfo=OSLO)  # type: ignore[misc]


@dataclass
class Bruker:
    bruker_id: UUID
    leveranse_id: UUID
    leverandor: str
    aktiv_til: date = date(2026, 3, 31)  # last day of the delivery in March
    besok: list[tuple[date, int, str]] = field(default_factory=list)  # recorded: date, min, staff
    avvist_min: int = 0  # claimed but rejected by the import (after death)
    avbestilt_min: int = 0  # planned time of cancelled visits (not late), claimed
    krevd_ekstra: int = 0

    @property
    def bestilt_min(self) -> int:
        return MIN_PER_DAG * (self.aktiv_til - date(2026, 3, 1)).days + MIN_PER_DAG

    @property
    def innenfor_min(self) -> int:
        return sum(m for d, m, _ in self.besok if d <= self.aktiv_til)

    @property
    def utenfor_min(self) -> int:
        return sum(m for d, m, _ in self.besok if d > self.aktiv_til)

    @property
    def betalbar_min(self) -> int:
        return min(self.innenfor_min, self.bestilt_min)

    @property
    def over_min(self) -> int:
        return max(0, self.innenfor_min - self.bestilt_min)

    @property
    def krevd_min(self) -> int:
        return self.innenfor_min + self.utenfor_min + self.avvist_min + self.avbestilt_min


@dataclass
class Maaned:
    brukere: list[Bruker]
    annen_bruker: UUID  # served by nordlys, claimed by 2care (no payable basis)
    filer: dict[str, str]
    krav: dict[str, str]
    avvisninger: dict[str, dict[str, int]]  # provider -> rule -> expected rejected lines
    bytte_bruker: UUID


def _ny_bruker(app: BrukervalgApp, rng: random.Random, lev: str,
               tjenestetype: Tjenestetype = HSP) -> tuple[UUID, UUID]:
    b = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=syntetisk_fodselsnummer(rng),
                                               navn="Test Testesen", bydel="frogner"),
                             SAKSBEHANDLER)
    v = app.fatt_vedtak(k.FattVedtak(
        bruker_id=b.id, tjenestetype=tjenestetype, gyldig_fra=date(2026, 3, 1), gyldig_til=None,
        omfang=Omfang(minutter=MIN_PER_DAG * 7, innhold="Morgenstell"),
        vedtaksdato=date(2026, 3, 1)), VEDTAKSMYNDIG)
    lev_ = app.bestill_leveranse(k.BestillLeveranse(
        bruker_id=b.id, tjenestetype=tjenestetype, vedtak_id=v.id, fom=date(2026, 3, 1),
        leverandor_id=lev), SAKSBEHANDLER)
    return b.id, lev_.id


def _besok(b: Bruker, d: date, minutter: int, ansatt: str, kat: str = "ordinaer") -> str:
    s = oslo(d.year, d.month, d.day, 8, 0)
    e = s + timedelta(minutes=minutter)
    return f"besok;{b.bruker_id};{HSP.value};{s.isoformat()};{e.isoformat()};{ansatt};{kat};;;"


def lag_maaned(app: BrukervalgApp, klokke: object, brukere_per_lev: int = 4,
               seed: int = 6) -> Maaned:
    rng = random.Random(seed)
    klokke.sett(oslo(2026, 3, 1, 8, 0))  # type: ignore[attr-defined]
    brukere: list[Bruker] = []
    for lev in LEVERANDORER:
        for _ in range(brukere_per_lev):
            bid, lid = _ny_bruker(app, rng, lev)
            brukere.append(Bruker(bid, lid, lev))
    annen, _ = _ny_bruker(app, rng, "nordlys")
    bytte, _ = _ny_bruker(app, rng, "2care", Tjenestetype.PRAKTISK_BISTAND)
    klokke.sett(oslo(2026, 3, 5, 9, 0))  # type: ignore[attr-defined]
    app.bytt_leverandor(k.ByttLeverandor(bruker_id=bytte, tjenestetype=Tjenestetype.PRAKTISK_BISTAND,
                                         til_leverandor_id="nordlys", form=Form.SKRIFTLIG,
                                         oppsigelsesdato=date(2026, 3, 5)), SAKSBEHANDLER)
    # special users per provider: [0] ends 20 March, [1] dies 15 March (2care only)
    klokke.sett(oslo(2026, 3, 10, 9, 0))  # type: ignore[attr-defined]
    for lev in LEVERANDORER:
        egne = [b for b in brukere if b.leverandor == lev]
        app.avslutt_leveranse(k.AvsluttLeveranse(
            leveranse_id=egne[0].leveranse_id, sluttdato=date(2026, 3, 20),
            arsak=Sluttarsak.BEHOV_OPPHORT, sluttnotat="Behovet opphørte"), SAKSBEHANDLER)
        egne[0].aktiv_til = date(2026, 3, 20)
    # recorded once the report was forwarded and the deviation received (BV8)
    klokke.sett(oslo(2026, 3, 12, 10, 0))  # type: ignore[attr-defined]
    nordlys0 = [b for b in brukere if b.leverandor == "nordlys"][1]
    app.motta_bekymringsmelding(k.MottaBekymringsmelding(
        leveranse_id=nordlys0.leveranse_id, mottatt_tid=oslo(2026, 3, 12, 9, 0),
        fagjournal="OL-fagjournal 17", videresendt_tid=oslo(2026, 3, 12, 9, 30),
        beskjedjournal="OL-beskjedjournal 18"), aktor("nordlys"))
    app.registrer_avvik(k.RegistrerAvvik(
        leveranse_id=brukere[2].leveranse_id, type=Avvikstype.AVVIK,
        mottatt_tid=oslo(2026, 3, 12, 10, 0), beskrivelse="Besøk uteble"), SAKSBEHANDLER)
    klokke.sett(oslo(2026, 3, 16, 9, 0))  # type: ignore[attr-defined]  # the day after (BV8)
    dod = [b for b in brukere if b.leverandor == "2care"][1]
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=dod.bruker_id,
                                               dodsdato=date(2026, 3, 15)), SAKSBEHANDLER)
    dod.aktiv_til = date(2026, 3, 15)

    filer: dict[str, str] = {}
    krav: dict[str, str] = {}
    avvisninger: dict[str, dict[str, int]] = {}
    klokke.sett(oslo(2026, 4, 2, 10, 0))  # type: ignore[attr-defined]
    for lev in LEVERANDORER:
        linjer = [HODE]
        egne = [b for b in brukere if b.leverandor == lev]
        for i, b in enumerate(egne):
            ansatte = [f"{lev[:2]}-{i}-{n}" for n in range(1 + i)]  # user i meets up to i+1 staff
            for dag in range(1, 32):
                d = date(2026, 3, dag)
                if dag == 25 and i == 2:  # a cancellation (two days ahead: not late)
                    s = oslo(2026, 3, 25, 8, 0)
                    linjer.append(f"avbestilling;{b.bruker_id};{HSP.value};{s.isoformat()};"
                                  f"{(s + timedelta(minutes=30)).isoformat()};;;;"
                                  f"{oslo(2026, 3, 23, 8, 0).isoformat()};OL-beskjedjournal 9")
                    b.avbestilt_min += 30
                    continue
                minutter = rng.choice((25, 30, 35, 40))
                ansatt = rng.choice(ansatte)
                if b is dod and d > dod.aktiv_til:
                    linjer.append(_besok(b, d, minutter, ansatt))
                    b.avvist_min += minutter
                    continue
                linjer.append(_besok(b, d, minutter, ansatt))
                b.besok.append((d, minutter, ansatt))
        b0 = egne[0]
        bad = [
            f"besok;{b0.bruker_id};{HSP.value};2026-03-09T08:00;2026-03-09T08:40+01:00;x;;;;",
            f"besok;{b0.bruker_id};{HSP.value};2026-03-09T09:00+01:00;2026-03-09T08:00+01:00;x;;;;",
            f"besok;{b0.bruker_id};{HSP.value};2026-03-09T22:00+01:00;2026-03-09T23:00+01:00;x;"
            "akutt_ekstra;;;",
            f"besok;{uuid4()};{HSP.value};2026-03-09T08:00+01:00;2026-03-09T08:40+01:00;x;;;;",
            f"reise;{b0.bruker_id};{HSP.value};2026-03-09T08:00+01:00;2026-03-09T08:40+01:00;x;;;;",
        ]
        regler = {"BV2": 1, "R18": 2, "R18a": 1, "BV0": 1}
        if lev == "2care":
            bad.append(f"besok;{annen};{HSP.value};2026-03-09T08:00+01:00;"
                       "2026-03-09T08:40+01:00;x;;;;")
            regler["R18"] += 1
            regler["R23"] = 31 - 15  # the visits 16-31 March, after the death
        avvisninger[lev] = regler
        filer[lev] = "\n".join(linjer + bad) + "\n"
        kl = ["bruker;tjenestetype;timer;belop"]
        for b in egne:
            kl.append(f"{b.bruker_id};{HSP.value};{b.krevd_min / 60:.2f}".replace(".", ",") + ";")
        if lev == "2care":
            kl.append(f"{annen};{HSP.value};3,50;")
        krav[lev] = "\n".join(kl) + "\n"
    return Maaned(brukere, annen, filer, krav, avvisninger, bytte)


def importer(app: BrukervalgApp, m: Maaned) -> dict[str, dict[str, int]]:
    ut = {}
    for lev in LEVERANDORER:
        s = Tidsrapportimport(app, lev, aktor(lev)).importer(fra_tekst(m.filer[lev]))
        ut[lev] = dict(s.avvisninger_per_regel)
    return ut
