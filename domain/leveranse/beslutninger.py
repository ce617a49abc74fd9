"""The delivery's deciders: given its state and a request, the new events (or ``Regelbrudd``).

A decider that answers a command of ``domain/kommandoer.py`` has the shape
``navn(cmd, lev, ktx) -> list[Hendelse]``: the command as validated, the state it decides on,
who and when (``Kontekst``). It ignores the command's ``leveranse_id`` (the caller loaded that
delivery). Three take explicit parameters instead, and say why:

- ``bestill`` and ``avslutt`` are steps of decisions across aggregates (``domain/saksgang.py``:
  ordering resolves the provider, a switch or a death ends a delivery with a date and reason
  of its own), so they have no command of their own;
- ``Tidsrapport`` decides a time report's lines, which are not commands (one line is cheaper
  than one validated command, and a month's file has many).

Given/when/then tests of every decider: ``tests/unit/test_leveranse_beslutninger.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID, uuid4, uuid5

from domain import kalender
from domain.begreper import (
    Hendelse,
    Hendelser,
    Kanal,
    Kontekst,
    Regelbrudd,
    Sluttarsak,
    Tjenestetype,
    kanal_for,
    sjekk_observasjoner,
)
from domain.frister import Varselgrunn
from domain.leveranse import (  # the events tilstand.py folds too: imports, not logic
    AvbestillingerRapportert,
    AvvikBehandlet,
    AvvikRegistrert,
    BekymringsmeldingMottatt,
    BekymringsmeldingVideresendt,
    BesokAvbestilt,
    BesokRapportert,
    Besokskategori,
    BesokUtfort,
    LeverandorVarslet,
    LeveranseAvsluttet,
    LeveranseBestilt,
    LeveranseStartet,
    OppsigelseVarslet,
    RapportertAvbestilling,
    RapportertBesok,
)
from domain.leveranse.besok import (
    avbestilling_registrert,
    besok_registrert,
    sjekk_avbestilling,
    sjekk_avbestilling_paa_leveranse,
    sjekk_besok,
    sjekk_besok_paa_leveranse,
    sjekk_ikke_avsluttet_for,
)
from domain.leveranse.tilstand import (
    Avbestilling,
    Besok,
    Leveranse,
    linjens_besok_id,
    med_avbestillinger,
    med_besok,
)

if TYPE_CHECKING:  # domain/kommandoer.py imports this package's enums
    from domain import kommandoer as k


def bestill(leveranse_id: UUID, bruker_id: UUID, vedtak_id: UUID | None,
            tjenestetype: Tjenestetype, leverandor_id: str, fom: date, tom: date | None,
            ktx: Kontekst) -> list[Hendelse]:
    h = Hendelser(leveranse_id, 0, ktx)
    h.ny(LeveranseBestilt, bruker_id=bruker_id, vedtak_id=vedtak_id, tjenestetype=tjenestetype,
         leverandor_id=leverandor_id, fom=fom, tom=tom)
    return h.liste


def varsle(cmd: k.VarsleLeverandor, lev: Leveranse, ktx: Kontekst) -> list[Hendelse]:
    """R09/R11-R13: record the notice; the channel must fit the tjenestetype, and a notice of
    an expansion or extension names the day it takes effect."""
    kanal, varslet_tid, hast, gjelder, gjelder_fra = (cmd.kanal, cmd.varslet_tid, cmd.hast,
                                                      cmd.gjelder, cmd.gjelder_fra)
    kalender.krev_tidssone(varslet_tid, "varslet_tid", "BV2")
    if gjelder is Varselgrunn.IKKE_OPPGITT:
        raise Regelbrudd("R11", "gjelder", "varselet må si hva det gjelder: start, utvidelse, "
                         "forlengelse eller bytte")
    endring = gjelder in (Varselgrunn.UTVIDELSE, Varselgrunn.FORLENGELSE)
    if endring and gjelder_fra is None:
        raise Regelbrudd("R11", "gjelder_fra", f"et varsel om {gjelder} må si fra hvilken dato "
                         "endringen gjelder")
    if not endring and gjelder_fra is not None:
        raise Regelbrudd("R11", "gjelder_fra", "fra-dato oppgis bare for utvidelse og forlengelse")
    if hast and gjelder is not Varselgrunn.START:
        raise Regelbrudd("R12", "gjelder", "et hastevarsel på telefon gjelder oppstart")
    if hast and (kanal is not Kanal.TELEFON or not lev.tjenestetype.er_hjemmesykepleie):
        raise Regelbrudd("R12", "kanal", "hastevarsel gis på telefon, og bare for hjemmesykepleie")
    if kanal is Kanal.TELEFON and not lev.tjenestetype.er_hjemmesykepleie:
        raise Regelbrudd("R12", "kanal", "telefonvarsel gjelder bare hjemmesykepleie")
    if kanal is not Kanal.TELEFON and kanal is not kanal_for(lev.tjenestetype):
        raise Regelbrudd("R09", "kanal", f"{lev.tjenestetype} varsles gjennom "
                         f"{kanal_for(lev.tjenestetype)}, ikke {kanal}")
    ny = (kanal, varslet_tid, hast, gjelder, gjelder_fra)
    if any((v.kanal, v.varslet_tid, v.hast, v.gjelder, v.gjelder_fra) == ny for v in lev.varsler):
        return []
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(LeverandorVarslet, kanal=kanal, varslet_tid=varslet_tid, hast=hast, gjelder=gjelder,
         gjelder_fra=gjelder_fra)
    return h.liste


def varsle_oppsigelse(cmd: k.VarsleOppsigelse, lev: Leveranse, ktx: Kontekst) -> list[Hendelse]:
    """R09: the old provider is told of the termination of a delivery ended by a switch."""
    kanal, varslet_tid = cmd.kanal, cmd.varslet_tid
    kalender.krev_tidssone(varslet_tid, "varslet_tid", "BV2")
    if lev.avsluttet is None or lev.avsluttet.arsak is not Sluttarsak.BYTTE_AV_LEVERANDOR:
        raise Regelbrudd("R09", "leveranse_id", "leveransen er ikke sagt opp ved bytte")
    if any((v.kanal, v.varslet_tid) == (kanal, varslet_tid) for v in lev.oppsigelsesvarsler):
        return []
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(OppsigelseVarslet, kanal=kanal, varslet_tid=varslet_tid)
    return h.liste


def start(cmd: k.StartLeveranse, lev: Leveranse, ktx: Kontekst) -> list[Hendelse]:
    """R13: the delivery started (once); R23: not after the user died or moved out."""
    startet_tid = cmd.startet_tid
    kalender.krev_tidssone(startet_tid, "startet_tid", "BV2")
    if lev.startet_tid == startet_tid:
        return []
    if lev.startet_tid is not None:
        raise Regelbrudd("R13", "startet_tid", f"leveransen startet allerede {lev.startet_tid}")
    sjekk_ikke_avsluttet_for(lev, kalender.lokal_dato(startet_tid), "startet_tid")
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(LeveranseStartet, startet_tid=startet_tid)
    return h.liste


def registrer_besok(cmd: k.RegistrerBesok, lev: Leveranse, ktx: Kontekst) -> list[Hendelse]:
    """A delivered visit; the same visit reported twice is recorded once."""
    besok_id, start, slutt, ansatt = cmd.besok_id, cmd.start, cmd.slutt, cmd.ansatt
    kategori, tiltakskode = cmd.kategori, cmd.tiltakskode
    sjekk_besok(start, slutt, ansatt, kategori, tiltakskode)
    if besok_id in lev.besok or besok_registrert(lev, start, slutt, ansatt):
        return []
    sjekk_besok_paa_leveranse(lev, start, slutt)
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(BesokUtfort, besok_id=besok_id, start=start, slutt=slutt, ansatt=ansatt.strip(),
         kategori=kategori, tiltakskode=tiltakskode)
    return h.liste


def avbestill(cmd: k.AvbestillBesok, lev: Leveranse, ktx: Kontekst) -> list[Hendelse]:
    """R20: the user cancels a planned visit."""
    planlagt_start, planlagt_slutt = cmd.planlagt_start, cmd.planlagt_slutt
    avbestilt_tid, journalreferanse = cmd.avbestilt_tid, cmd.journalreferanse
    sjekk_avbestilling(planlagt_start, planlagt_slutt, avbestilt_tid, journalreferanse)
    if avbestilling_registrert(lev, planlagt_start):
        return []
    sjekk_avbestilling_paa_leveranse(lev, planlagt_start, planlagt_slutt)
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(BesokAvbestilt, planlagt_start=planlagt_start, planlagt_slutt=planlagt_slutt,
         avbestilt_tid=avbestilt_tid, journalreferanse=journalreferanse)
    return h.liste


def _tid(verdi: object) -> datetime:
    """A line's instant as collected by :class:`Tidsrapport` (always an aware datetime)."""
    assert isinstance(verdi, datetime)
    return verdi


class Tidsrapport:
    """One delivery's lines of a provider's time report (one file chunk), decided line by line.

    Each line gets exactly the checks of the single command (``registrer_besok``, ``avbestill``)
    and, when accepted, is noted on ``lev`` at once (a new state: ``med_besok``), so later lines
    see it (a duplicate within the file, a visit in a slot cancelled above). ``hendelser()``
    then gives at most one ``BesokRapportert`` and one ``AvbestillingerRapportert`` for all
    accepted lines, numbered after the delivery's version. ``lev`` keeps that version: the
    state once they are saved is ``projiser(foer, hendelser())``, the fold the store will make.
    """

    def __init__(self, lev: Leveranse, fil_sha256: str, ktx: Kontekst) -> None:
        self.foer = lev
        """The delivery as the report began (the events are folded onto this one)."""
        self.lev = lev
        """The state the next line is decided on: ``foer`` with the accepted lines noted."""
        self.fil_sha256 = fil_sha256
        self.ktx = ktx
        self._besok_id = uuid4()  # the hendelse_id of each batch event, known before it exists
        self._avbestillinger_id = uuid4()
        self._id_grunnlag = uuid5(lev.id, fil_sha256).int  # of the visits' ids
        self.besok: list[dict[str, object]] = []
        self.avbestillinger: list[dict[str, object]] = []

    def besok_linje(self, linje: int, start: datetime, slutt: datetime, ansatt: str,
                    kategori: Besokskategori, tiltakskode: str | None) -> bool:
        """True if the visit is new, False if already recorded; Regelbrudd if refused."""
        sjekk_besok(start, slutt, ansatt, kategori, tiltakskode)
        sjekk_observasjoner(RapportertBesok.OBSERVERT, {"start": start, "slutt": slutt},
                            self.ktx.naa)
        lev = self.lev
        ansatt = ansatt.strip()
        if besok_registrert(lev, start, slutt, ansatt):
            return False
        sjekk_besok_paa_leveranse(lev, start, slutt)
        self.lev = med_besok(lev, (Besok(
            linjens_besok_id(self._id_grunnlag, linje), start, slutt, ansatt, kategori,
            tiltakskode, self.ktx.naa, self._besok_id, linje, self.fil_sha256),))
        self.besok.append({"linje": linje, "start": start, "slutt": slutt, "ansatt": ansatt,
                           "kategori": kategori, "tiltakskode": tiltakskode})
        return True

    def avbestilling_linje(self, linje: int, planlagt_start: datetime, planlagt_slutt: datetime,
                           avbestilt_tid: datetime, journalreferanse: str) -> bool:
        sjekk_avbestilling(planlagt_start, planlagt_slutt, avbestilt_tid, journalreferanse)
        sjekk_observasjoner(RapportertAvbestilling.OBSERVERT, {"avbestilt_tid": avbestilt_tid},
                            self.ktx.naa)
        lev = self.lev
        if avbestilling_registrert(lev, planlagt_start):
            return False
        sjekk_avbestilling_paa_leveranse(lev, planlagt_start, planlagt_slutt)
        self.lev = med_avbestillinger(lev, (Avbestilling(
            planlagt_start, planlagt_slutt, avbestilt_tid, journalreferanse, self.ktx.naa,
            self._avbestillinger_id, linje, self.fil_sha256),))
        self.avbestillinger.append({"linje": linje, "planlagt_start": planlagt_start,
                                    "planlagt_slutt": planlagt_slutt,
                                    "avbestilt_tid": avbestilt_tid,
                                    "journalreferanse": journalreferanse})
        return True

    def hendelser(self) -> list[Hendelse]:
        lev, ktx = self.foer, self.ktx
        versjon = lev.version
        ut: list[Hendelse] = []
        for cls, felt, rader, hid, start, slutt in (
                (BesokRapportert, "besok", self.besok, self._besok_id, "start", "slutt"),
                (AvbestillingerRapportert, "avbestillinger", self.avbestillinger,
                 self._avbestillinger_id, "planlagt_start", "planlagt_slutt")):
            if rader:
                versjon += 1
                ut.append(cls.model_validate({
                    "originator_id": lev.id, "originator_version": versjon,
                    "timestamp": ktx.naa, "aktor": ktx.aktor, "hendelse_id": hid,
                    "fil_sha256": self.fil_sha256,
                    # The earliest instant has the first Oslo date (a wall-clock comparison
                    # within one zone can only err inside the repeated autumn hour: same date).
                    "fom": kalender.lokal_dato(min(_tid(r[start]) for r in rader)),
                    "tom": kalender.lokal_dato(max(_tid(r[slutt]) for r in rader)),
                    felt: rader}))
        return ut


def motta_bekymringsmelding(cmd: k.MottaBekymringsmelding, lev: Leveranse,
                            ktx: Kontekst) -> list[Hendelse]:
    """R21: record when a concern was received and (when it was) forwarded to the bydel."""
    melding_id, mottatt_tid, fagjournal = cmd.melding_id, cmd.mottatt_tid, cmd.fagjournal
    videresendt_tid, beskjedjournal = cmd.videresendt_tid, cmd.beskjedjournal
    kalender.krev_tidssone(mottatt_tid, "mottatt_tid", "BV2")
    if not fagjournal.strip():
        raise Regelbrudd("R21", "fagjournal", "bekymringsmeldingen må dokumenteres i OL-fagjournal")
    h = Hendelser(lev.id, lev.version, ktx)
    if melding_id not in lev.bekymringsmeldinger:
        h.ny(BekymringsmeldingMottatt, melding_id=melding_id, mottatt_tid=mottatt_tid,
             fagjournal=fagjournal)
    if videresendt_tid is not None:
        _videresend(lev, melding_id, mottatt_tid, videresendt_tid, beskjedjournal, h)
    return h.liste


def videresend_bekymringsmelding(cmd: k.VideresendBekymringsmelding, lev: Leveranse,
                                 ktx: Kontekst) -> list[Hendelse]:
    """R21: a concern received before is forwarded to the bydel (once)."""
    mottatt = lev.bekymringsmeldinger.get(cmd.melding_id)
    if mottatt is None:
        raise Regelbrudd("R21", "melding_id", f"ingen bekymringsmelding {cmd.melding_id}")
    h = Hendelser(lev.id, lev.version, ktx)
    _videresend(lev, cmd.melding_id, mottatt.mottatt_tid, cmd.videresendt_tid,
                cmd.beskjedjournal, h)
    return h.liste


def _videresend(lev: Leveranse, melding_id: UUID, mottatt_tid: datetime,
                videresendt_tid: datetime, beskjedjournal: str | None,
                h: Hendelser) -> None:
    kalender.krev_tidssone(videresendt_tid, "videresendt_tid", "BV2")
    if kalender.foer(videresendt_tid, mottatt_tid):
        raise Regelbrudd("R21", "videresendt_tid", "kan ikke videresendes før den er mottatt")
    if not (beskjedjournal or "").strip():
        raise Regelbrudd("R21", "beskjedjournal", "videresending skjer med OL-beskjedjournal")
    if melding_id not in lev.videresendinger:
        h.ny(BekymringsmeldingVideresendt, melding_id=melding_id,
             videresendt_tid=videresendt_tid, beskjedjournal=beskjedjournal)


def avslutt(lev: Leveranse, sluttdato: date, arsak: Sluttarsak, sluttnotat: str,
            ktx: Kontekst) -> list[Hendelse]:
    """End the delivery on a date; idempotent for the same date and reason."""
    if lev.avsluttet is not None and (lev.avsluttet.sluttdato, lev.avsluttet.arsak) == (
            sluttdato, arsak):
        return []
    if arsak is Sluttarsak.BEHOV_OPPHORT and not sluttnotat.strip():
        raise Regelbrudd("R22", "sluttnotat", "når behovet opphører skrives et sluttnotat")
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(LeveranseAvsluttet, sluttdato=sluttdato, arsak=arsak, sluttnotat=sluttnotat)
    return h.liste


def registrer_avvik(cmd: k.RegistrerAvvik, lev: Leveranse, ktx: Kontekst) -> list[Hendelse]:
    """R27: the bydel receives deviations and complaints about the service delivery."""
    avvik_id, type, mottatt_tid, beskrivelse = (cmd.avvik_id, cmd.type, cmd.mottatt_tid,
                                                cmd.beskrivelse)
    kalender.krev_tidssone(mottatt_tid, "mottatt_tid", "BV2")
    if avvik_id in lev.avvik:
        return []
    if not beskrivelse.strip():
        raise Regelbrudd("R27", "beskrivelse", "avviket må beskrives")
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(AvvikRegistrert, avvik_id=avvik_id, type=type, mottatt_tid=mottatt_tid,
         beskrivelse=beskrivelse)
    return h.liste


def behandle_avvik(cmd: k.BehandleAvvik, lev: Leveranse, ktx: Kontekst) -> list[Hendelse]:
    """R27: a registered deviation is handled, with a conclusion (once)."""
    avvik_id, behandlet_tid, konklusjon = cmd.avvik_id, cmd.behandlet_tid, cmd.konklusjon
    kalender.krev_tidssone(behandlet_tid, "behandlet_tid", "BV2")
    avvik = lev.avvik.get(avvik_id)
    if avvik is None:
        raise Regelbrudd("R27", "avvik_id", f"intet avvik {avvik_id} på leveransen")
    if avvik_id in lev.avviksbehandlinger:
        return []
    # The shape of every decider (cf. domain/vedtak.py::revider): the rule's checks, a repeat records
    # nothing, then one event; the checks are each decider's own.
    if not konklusjon.strip():
        raise Regelbrudd("R27", "konklusjon", "behandlingen må ha en konklusjon")
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(AvvikBehandlet, avvik_id=avvik_id, behandlet_tid=behandlet_tid, konklusjon=konklusjon)
    return h.liste
