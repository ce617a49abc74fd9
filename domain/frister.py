"""Obligations (R11, R12, R13, R16, R21, R25): who owes what, by when, and whether it was met.

One pure function, ``forpliktelser``, decides every obligation from the facts of deliveries and
vedtak plus the rule settings, as of an instant. The SLA projection, the klagesak's state as known
at T and the deadline worklist all call it; none of them decides on its own. The deadlines
themselves are calendar arithmetic in ``domain.kalender``; "the deadline has passed" is decided
only by ``Frist.passert`` (through ``kalender.foer``, so the autumn DST hour is real time).

Why this is one module, above ~500 lines: it holds every legal deadline side by side, one function
per rule (``_leveranse`` for R11 start and R13, ``_r12``, ``_vedtak`` for R11 changes, R16 and
R25, ``_r21``), together with the one meaning of a deadline (``Frist``: inclusive or not, a date
meaning the end of that Oslo day; ``status``). An auditor checks a deadline and what "met" and
"passed" mean for it in one sitting; split, the two halves of each deadline would be in two files.

Decisions where the seeds leave a choice (README, "Decisions"):

- R11 start: the first non-urgent Pasientovergang notice about the start (or a switch, or one
  stored before notices said what they were about). A start with no notice at all is the
  bydel's breach once 14:00 the working day before has passed, whether or not the service began.
- R11 expansion/extension (seed 003: "Det samme gjelder varsel om utvidelse av vedtaket på
  eksisterende brukere"): a vedtak extended in time, or given more minutes per week (an answered
  revurdering or a revision on the bydel's own initiative), for a running home-nursing delivery
  of that vedtak owes a notice by 14:00 the working day before the change takes effect. So does
  a new vedtak that adds to a running service: same user and tjenestetype, taking effect while a
  delivery under another vedtak (or none) runs; the notice names it as an expansion from the new
  vedtak's ``gyldig_fra``. A notice
  counts if it names the change (what and from which date), also when given before the change
  was recorded; a notice stored before notices said what they were about counts if given on or
  after the day the change was recorded (the old rule, kept for old facts).
- R12 (seed 003: "Leverandør plikter i slike tilfeller å iverksette tjenesten senest 2 timer
  etter at varsel er gitt"): only an in-time telephone notice gives the provider its 2 hours;
  a late one is the bydel's breach only, and the provider's duty is "not applicable".
- R25 is the user's right, not a duty: with no appeal when it has passed it is ``utlopt``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from domain import begreper, kalender
from domain.begreper import Kanal, Tjenestetype

_EN_DAG = timedelta(days=1)


class Varselgrunn(StrEnum):
    """What a notice to the provider is about (R11)."""

    START = "start"
    UTVIDELSE = "utvidelse"
    FORLENGELSE = "forlengelse"
    BYTTE = "bytte"
    IKKE_OPPGITT = "ikke_oppgitt"  # stored before notices said it (LeverandorVarslet schema 1)


class Friststatus(StrEnum):
    OVERHOLDT = "overholdt"
    BRUTT = "brutt"
    APEN = "apen"
    UTLOPT = "utlopt"  # R25: the right lapsed unused; nobody's breach
    IKKE_AKTUELL = "ikke_aktuell"


class Skyldig(StrEnum):
    BYDEL = "bydel"
    LEVERANDOR = "leverandor"
    BRUKER = "bruker"  # R25: the user's deadline; the bydel follows it


# Obligations whose unmet deadline is a lapsed right, not a breach.
_BORTFALLER = frozenset({"R25"})


@dataclass(frozen=True)
class Fristregler:
    """The choices the deadline rules leave open (``projections/config/sla.toml``)."""

    r21_terskel: timedelta = kalender.R21_TERSKEL
    r12_helligdag_teller_som_hverdag: bool = False
    r25_forleng_til_virkedag: bool = True

    @classmethod
    def fra_toml(cls, data: Mapping[str, Any]) -> Fristregler:
        """Parse the settings (already read from the file); a bad value is a clear error."""
        r21 = data.get("r21_terskel_minutter", 60)
        if not isinstance(r21, int) or isinstance(r21, bool) or r21 < 0:
            raise ValueError("r21_terskel_minutter må være et heltall >= 0")
        flagg = {}
        for navn, standard in (("r12_helligdag_teller_som_hverdag", False),
                               ("r25_forleng_til_virkedag", True)):
            verdi = data.get(navn, standard)
            if not isinstance(verdi, bool):
                raise ValueError(f"{navn} må være true eller false")
            flagg[navn] = verdi
        return cls(r21_terskel=timedelta(minutes=r21), **flagg)


@dataclass(frozen=True)
class Frist:
    """A deadline with explicit semantics: an instant (inclusive or not), or a date meaning
    "by the end of that Oslo day"."""

    tidspunkt: datetime | None = None
    inklusiv: bool = True
    dato: date | None = None

    def __post_init__(self) -> None:
        if (self.tidspunkt is None) == (self.dato is None):
            raise ValueError("en frist er enten et tidspunkt eller en dato")

    def overholdt_av(self, t: datetime | date) -> bool:
        """Met when done at ``t`` (a date compares by Oslo day)."""
        if self.dato is not None:
            dag = kalender.lokal_dato(t) if isinstance(t, datetime) else t
            return dag <= self.dato
        assert self.tidspunkt is not None
        if not isinstance(t, datetime):
            raise TypeError("en frist med tidspunkt måles mot et tidspunkt")
        if self.inklusiv:
            return not kalender.foer(self.tidspunkt, t)
        return kalender.foer(t, self.tidspunkt)

    def passert(self, naa: datetime) -> bool:
        """The one definition of "the deadline has passed": meeting it at ``naa`` is too late."""
        return not self.overholdt_av(naa)

    @property
    def grense(self) -> datetime:
        """The first instant (Oslo) at which an unmet date deadline has passed, else the instant."""
        if self.dato is not None:
            return kalender.lokalt_tidspunkt(self.dato + _EN_DAG, time(0))
        assert self.tidspunkt is not None
        return kalender.lokal(self.tidspunkt)

    def tekst(self) -> str:
        if self.dato is not None:
            return self.dato.isoformat()
        return self.grense.isoformat()

    @classmethod
    def fra_tekst(cls, tekst: str, inklusiv: bool) -> Frist:
        if len(tekst) == 10:
            return cls(dato=date.fromisoformat(tekst))
        return cls(tidspunkt=datetime.fromisoformat(tekst), inklusiv=inklusiv)


# --- the facts the obligations are computed from ----------------------------------------------


@dataclass(frozen=True)
class Varsel:
    kanal: Kanal
    varslet_tid: datetime
    hast: bool = False
    gjelder: Varselgrunn = Varselgrunn.START
    gjelder_fra: date | None = None


@dataclass(frozen=True)
class Melding:
    melding_id: str
    mottatt: datetime
    videresendt: datetime | None = None


@dataclass(frozen=True)
class Leveransefakta:
    leveranse_id: str
    bruker_id: str
    tjenestetype: Tjenestetype
    leverandor_id: str
    vedtak_id: str | None
    fom: date
    tom: date | None
    startet: datetime | None = None
    varsler: tuple[Varsel, ...] = ()
    meldinger: tuple[Melding, ...] = ()

    def aktiv_paa(self, dag: date) -> bool:
        return begreper.aktiv_paa(self.fom, self.tom, dag)


@dataclass(frozen=True)
class Omfangsendring:
    """The scope from ``fra`` (minutes per ``per_uker`` weeks), recorded at ``registrert``."""

    versjon: int
    fra: date
    minutter: int
    per_uker: int
    registrert: datetime


@dataclass(frozen=True)
class Forlengelse:
    versjon: int
    ny_til: date | None
    registrert: datetime


# Alike in shape with Leveransefakta and Melding above: frozen records of what an obligation
# reads, each with the facts of its own aggregate.
@dataclass(frozen=True)
class Revurderingsfakta:
    revurdering_id: str
    leverandor_id: str
    anmodet: datetime
    besvart: datetime | None = None


@dataclass(frozen=True)
class Vedtaksfakta:
    vedtak_id: str
    bruker_id: str
    tjenestetype: Tjenestetype
    gyldig_til_fattet: date | None
    omfang: tuple[Omfangsendring, ...] = ()  # the first is the vedtak's own scope
    forlengelser: tuple[Forlengelse, ...] = ()
    mottatt_dato: date | None = None
    klager: tuple[date, ...] = ()
    revurderinger: tuple[Revurderingsfakta, ...] = ()


# --- the obligations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Forpliktelse:
    plikt_id: str
    regel: str
    plikt: str
    skyldig: Skyldig
    utlost_av: str  # what triggered it, in Norwegian
    kilde_id: str
    bruker_id: str
    leverandor_id: str | None
    tjenestetype: Tjenestetype
    frist: Frist
    oppfylt: datetime | date | None
    status: Friststatus
    merknad: str = ""

    @property
    def utestaaende(self) -> bool:
        """Still owed: not met and not lapsed or inapplicable (open, or overdue)."""
        return self.oppfylt is None and self.status in (Friststatus.APEN, Friststatus.BRUTT)


def status(regel: str, frist: Frist, oppfylt: datetime | date | None,
           naa: datetime | None) -> Friststatus:
    """Met or breached once done; otherwise open until the deadline passes at ``naa`` (no clock:
    open)."""
    if oppfylt is not None:
        return Friststatus.OVERHOLDT if frist.overholdt_av(oppfylt) else Friststatus.BRUTT
    if naa is not None and frist.passert(naa):
        return Friststatus.UTLOPT if regel in _BORTFALLER else Friststatus.BRUTT
    return Friststatus.APEN


def status_naa(regel: str, lagret: Friststatus, frist: Frist, naa: datetime) -> Friststatus:
    """A status computed without a clock, read at ``naa`` (only an open one can change)."""
    return status(regel, frist, None, naa) if lagret is Friststatus.APEN else lagret


def klagefrist(mottatt_dato: date, regler: Fristregler) -> Frist:
    """R25: the appeal deadline of a vedtak that reached the user on ``mottatt_dato``."""
    return Frist(dato=kalender.frist_r25_klage(
        mottatt_dato, forleng_til_virkedag=regler.r25_forleng_til_virkedag))


def klage_for_sen(mottatt_dato: date, klage_dato: date, regler: Fristregler) -> bool:
    """R25: an appeal received after the deadline (still recorded, and flagged)."""
    return not klagefrist(mottatt_dato, regler).overholdt_av(klage_dato)


def r11_varsel_senest(startdato: date) -> datetime:
    """R11: the latest notice for a home-nursing start (or change) on ``startdato``."""
    return kalender.frist_r11_varsel(startdato)


def er_utvidelse(gammel: tuple[int, int] | None, ny: tuple[int, int]) -> bool:
    """More minutes per day: (minutter, per_uker) compared exactly (cross-multiplied)."""
    return gammel is not None and ny[0] * gammel[1] > gammel[0] * ny[1]


def _lokal_tekst(t: datetime) -> str:
    return kalender.lokal(t).isoformat()


def forpliktelser(leveranser: Iterable[Leveransefakta], vedtak: Iterable[Vedtaksfakta],
                  regler: Fristregler, naa: datetime | None) -> list[Forpliktelse]:
    """Every obligation the facts give rise to, with its status as of ``naa``.

    ``naa`` None: without a clock (an unmet obligation is open); ``status_naa`` reads it later.
    The facts are those known at ``naa``; a vedtak's extension or expansion is owed on the
    deliveries among ``leveranser`` that belong to it, and a new vedtak on the running
    deliveries of the same user and tjenestetype (``nye_vedtak_utvider``).
    """
    if naa is not None:
        kalender.krev_tidssone(naa, "naa", "BV2")
    leveranser = list(leveranser)
    ut: list[Forpliktelse] = []
    for lev in leveranser:
        ut.extend(_leveranse(lev, regler, naa))
        ut.extend(_r21(lev, regler, naa))
    per_tjeneste: dict[tuple[str, Tjenestetype], list[Leveransefakta]] = {}
    for lev in leveranser:
        if not _annullert(lev):
            per_tjeneste.setdefault((lev.bruker_id, lev.tjenestetype), []).append(lev)
    for v in vedtak:
        ut.extend(_vedtak(v, per_tjeneste.get((v.bruker_id, v.tjenestetype), []), regler, naa))
    return sorted(ut, key=lambda f: (f.frist.grense.timestamp(), f.plikt_id))


def _annullert(lev: Leveransefakta) -> bool:
    return begreper.annullert(lev.fom, lev.tom)


def _felles(lev: Leveransefakta) -> dict[str, Any]:
    return {"kilde_id": lev.leveranse_id, "bruker_id": lev.bruker_id,
            "leverandor_id": lev.leverandor_id, "tjenestetype": lev.tjenestetype}


def _leveranse(lev: Leveransefakta, regler: Fristregler,
               naa: datetime | None) -> list[Forpliktelse]:
    if _annullert(lev):
        return []  # annulled before it began: nothing was owed
    felles = _felles(lev)
    if lev.tjenestetype.er_hjemmesykepleie:
        hast = next((v for v in lev.varsler if v.hast), None)
        if hast is not None:
            return _r12(lev, hast.varslet_tid, regler, naa, felles)
        frist = Frist(tidspunkt=r11_varsel_senest(lev.fom))
        varsel = next((v.varslet_tid for v in lev.varsler if v.kanal is Kanal.PASIENTOVERGANG
                       and not v.hast and v.gjelder in _START_VARSEL), None)
        return [Forpliktelse(f"R11:{lev.leveranse_id}", "R11", "varsel_pasientovergang",
                             Skyldig.BYDEL, f"oppstart {lev.fom.isoformat()}", frist=frist,
                             oppfylt=varsel, status=status("R11", frist, varsel, naa),
                             **felles)]
    varsel_tid = next((v.varslet_tid for v in lev.varsler if v.kanal is Kanal.HENVENDELSE), None)
    if varsel_tid is None:
        return []  # R13: the 14 days run from the notice
    frist = Frist(dato=kalender.frist_r13_oppstart(varsel_tid))
    return [Forpliktelse(f"R13:{lev.leveranse_id}", "R13", "oppstart_14d", Skyldig.LEVERANDOR,
                         f"varslet {_lokal_tekst(varsel_tid)}", frist=frist, oppfylt=lev.startet,
                         status=status("R13", frist, lev.startet, naa),
                         merknad=f"varslet {_lokal_tekst(varsel_tid)}", **felles)]


_START_VARSEL = frozenset({Varselgrunn.START, Varselgrunn.BYTTE, Varselgrunn.IKKE_OPPGITT})


def _r12(lev: Leveransefakta, varslet: datetime, regler: Fristregler, naa: datetime | None,
         felles: dict[str, Any]) -> list[Forpliktelse]:
    flagg = regler.r12_helligdag_teller_som_hverdag
    dag = kalender.lokal_dato(varslet)
    i_tide = kalender.r12_telefonvarsel_i_tide(varslet, helligdag_teller_som_hverdag=flagg)
    merknad = ""
    if not i_tide and dag.weekday() >= 5:
        merknad = "ikke hverdag (lørdag/søndag)"
    elif not i_tide and kalender.er_helligdag(dag) and not flagg:
        merknad = f"ikke hverdag ({kalender.helligdagsnavn(dag)})"
    elif not i_tide:
        merknad = "etter kl. 15:30"
    varslet_tekst = f"telefonvarsel {_lokal_tekst(varslet)}"
    telefon = Forpliktelse(
        f"R12v:{lev.leveranse_id}", "R12", "telefonvarsel", Skyldig.BYDEL, varslet_tekst,
        frist=Frist(tidspunkt=kalender.lokalt_tidspunkt(dag, kalender.R12_TELEFON_SENEST)),
        oppfylt=varslet, status=Friststatus.OVERHOLDT if i_tide else Friststatus.BRUTT, merknad=merknad,
        **felles)
    oppstart = Frist(tidspunkt=kalender.frist_r12_oppstart(varslet))
    if not i_tide:
        # Seed 003: the provider's two hours follow only "i slike tilfeller" (an in-time notice).
        oppstart_plikt = Forpliktelse(
            f"R12s:{lev.leveranse_id}", "R12", "oppstart_2t", Skyldig.LEVERANDOR, varslet_tekst,
            frist=oppstart, oppfylt=lev.startet, status=Friststatus.IKKE_AKTUELL,
            merknad=f"telefonvarselet var ikke i tide ({merknad}); leverandøren har ingen "
                    "2-timersfrist", **felles)
    else:
        oppstart_plikt = Forpliktelse(
            f"R12s:{lev.leveranse_id}", "R12", "oppstart_2t", Skyldig.LEVERANDOR, varslet_tekst,
            frist=oppstart, oppfylt=lev.startet, status=status("R12", oppstart, lev.startet, naa),
            merknad=f"varslet {_lokal_tekst(varslet)}", **felles)
    return [telefon, oppstart_plikt]


@dataclass(frozen=True)
class _Endring:
    versjon: int
    art: Varselgrunn
    fra: date
    registrert: datetime


def endringer(v: Vedtaksfakta) -> list[_Endring]:
    """R11: the vedtak's extensions in time and expansions of scope, in recorded order."""
    ut: list[_Endring] = []
    gammel_til = v.gyldig_til_fattet
    for f in sorted(v.forlengelser, key=lambda x: x.versjon):
        forrige, gammel_til = gammel_til, f.ny_til
        if forrige is not None:  # an open-ended vedtak is not extended (the domain refuses it)
            ut.append(_Endring(f.versjon, Varselgrunn.FORLENGELSE, forrige + _EN_DAG,
                               f.registrert))
    kjent: list[Omfangsendring] = []
    for o in sorted(v.omfang, key=lambda x: x.versjon):
        i_kraft = max((x for x in kjent if x.fra <= o.fra), key=lambda x: (x.fra, x.versjon),
                      default=None)
        if i_kraft is not None and er_utvidelse((i_kraft.minutter, i_kraft.per_uker),
                                                (o.minutter, o.per_uker)):
            ut.append(_Endring(o.versjon, Varselgrunn.UTVIDELSE, o.fra, o.registrert))
        kjent.append(o)
    return sorted(ut, key=lambda e: e.versjon)


def nye_vedtak_utvider(v: Vedtaksfakta, leveranser: Iterable[Leveransefakta]
                       ) -> list[tuple[_Endring, Leveransefakta]]:
    """R11: a new vedtak that adds to a running service is an expansion of it (seed 003: "Det
    samme gjelder varsel om utvidelse av vedtaket på eksisterende brukere"): owed on each
    delivery of the same user and tjenestetype, under another vedtak or none, that began before
    the new vedtak takes effect and still runs that day. The change is the vedtak's own scope
    (its first ``omfang``): from ``gyldig_fra``, recorded when it was made."""
    if not v.omfang:
        return []
    forste = min(v.omfang, key=lambda o: o.versjon)
    e = _Endring(forste.versjon, Varselgrunn.UTVIDELSE, forste.fra, forste.registrert)
    return [(e, lev) for lev in leveranser
            if lev.vedtak_id != v.vedtak_id and (lev.bruker_id, lev.tjenestetype) == (
                v.bruker_id, v.tjenestetype) and lev.fom < e.fra and lev.aktiv_paa(e.fra)]


def _navngir(varsel: Varsel, e: _Endring) -> bool:
    if varsel.kanal is not Kanal.PASIENTOVERGANG or varsel.hast:
        return False
    if varsel.gjelder is Varselgrunn.IKKE_OPPGITT:
        return kalender.lokal_dato(varsel.varslet_tid) >= kalender.lokal_dato(e.registrert)
    return varsel.gjelder is e.art and varsel.gjelder_fra == e.fra


def _vedtak(v: Vedtaksfakta, leveranser: Sequence[Leveransefakta], regler: Fristregler,
            naa: datetime | None) -> list[Forpliktelse]:
    ut: list[Forpliktelse] = []
    felles: dict[str, Any] = {"kilde_id": v.vedtak_id, "bruker_id": v.bruker_id,
                              "tjenestetype": v.tjenestetype}
    if v.tjenestetype.er_hjemmesykepleie:
        # Owed to the provider of a delivery already running on the day the change takes
        # effect: under the vedtak for its own changes, under another (or none) for a new one.
        egne = [lev for lev in leveranser if lev.vedtak_id == v.vedtak_id]
        par = [(e, lev) for e in endringer(v) for lev in egne
               if lev.fom < e.fra and lev.aktiv_paa(e.fra)]
        for e, lev in [*nye_vedtak_utvider(v, leveranser), *par]:
            frist = Frist(tidspunkt=r11_varsel_senest(e.fra))
            varsel = min((x.varslet_tid for x in lev.varsler if _navngir(x, e)),
                         key=lambda t: kalender.lokal(t).timestamp(), default=None)
            if lev.vedtak_id != v.vedtak_id:
                hva, utlost = "nytt vedtak", "nytt vedtak på løpende tjeneste"
            else:
                hva = "forlenget" if e.art is Varselgrunn.FORLENGELSE else "utvidet omfang"
                utlost = f"vedtaket {hva}"
            ut.append(Forpliktelse(
                f"R11e:{v.vedtak_id}:{e.versjon}:{lev.leveranse_id}", "R11",
                f"varsel_{e.art.value}", Skyldig.BYDEL, f"{utlost} fra {e.fra.isoformat()}",
                frist=frist, oppfylt=varsel, status=status("R11", frist, varsel, naa),
                leverandor_id=lev.leverandor_id, merknad=f"{hva} fra {e.fra.isoformat()}",
                **felles))
    for r in v.revurderinger:
        frist = Frist(tidspunkt=kalender.frist_r16_svar(r.anmodet), inklusiv=False)
        ut.append(Forpliktelse(
            f"R16:{r.revurdering_id}", "R16", "svar_revurdering", Skyldig.BYDEL,
            f"revurdering anmodet {_lokal_tekst(r.anmodet)}", frist=frist, oppfylt=r.besvart,
            status=status("R16", frist, r.besvart, naa), leverandor_id=r.leverandor_id,
            merknad=f"anmodet {_lokal_tekst(r.anmodet)}", **felles))
    if v.mottatt_dato is not None:
        frist = klagefrist(v.mottatt_dato, regler)
        klage = min(v.klager, default=None)
        st = status("R25", frist, klage, naa)
        ut.append(Forpliktelse(
            f"R25:{v.vedtak_id}", "R25", "klagefrist", Skyldig.BRUKER,
            f"vedtaket mottatt {v.mottatt_dato.isoformat()}", frist=frist, oppfylt=klage,
            status=st, leverandor_id=None,
            merknad=f"vedtaket mottatt {v.mottatt_dato.isoformat()}"
            + (" – klagen kom for sent" if st is Friststatus.BRUTT else ""), **felles))
    return ut


def _r21(lev: Leveransefakta, regler: Fristregler, naa: datetime | None) -> list[Forpliktelse]:
    """R21: each concern report is forwarded to the bydel "straks" (received + threshold)."""
    ut = []
    for m in lev.meldinger:
        frist = Frist(tidspunkt=kalender.frist_r21_videresending(m.mottatt, regler.r21_terskel))
        ut.append(Forpliktelse(
            f"R21:{m.melding_id}", "R21", "videresending", Skyldig.LEVERANDOR,
            f"bekymringsmelding mottatt {_lokal_tekst(m.mottatt)}", frist=frist,
            oppfylt=m.videresendt, status=status("R21", frist, m.videresendt, naa),
            merknad=f"mottatt {_lokal_tekst(m.mottatt)}", **_felles(lev)))
    return ut




@dataclass(frozen=True)
class Forfall:
    """How long until a deadline, as a worklist says it: hours of real time and working days."""

    forfalt: bool
    timer: int  # whole hours left (0 when overdue)
    virkedager: int  # working days after today (Oslo) up to and including the deadline's day

    def tekst(self) -> str:
        if self.forfalt:
            return "forfalt"
        if self.timer < 24:
            return f"innen {max(self.timer, 1)} time{'r' if self.timer > 1 else ''}"
        return f"innen {self.virkedager} virkedag{'er' if self.virkedager != 1 else ''}"


def forfall(frist: Frist, naa: datetime) -> Forfall:
    """Time left to ``frist`` at ``naa`` (overdue exactly when ``Frist.passert``)."""
    if frist.passert(naa):
        return Forfall(True, 0, 0)
    igjen = kalender.varighet(naa, frist.grense)
    if frist.dato is not None:
        fristdag = frist.dato
    else:  # an exclusive deadline at midnight belongs to the day before
        siste = frist.grense - (timedelta(0) if frist.inklusiv else timedelta(microseconds=1))
        fristdag = kalender.lokal_dato(siste)
    dag, virkedager = kalender.lokal_dato(naa), 0
    while dag < fristdag:
        dag = kalender.neste_virkedag(dag)
        if dag <= fristdag:
            virkedager += 1
    return Forfall(False, int(igjen.total_seconds() // 3600), virkedager)
