"""The rules of one visit and of one cancellation, on their own and against the delivery."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from uuid import UUID, uuid5

from domain import kalender
from domain.begreper import Regelbrudd, Sluttarsak, ren_tekst
from domain.leveranse import Besokskategori
from domain.leveranse.tilstand import Leveranse, nabodager

LENGSTE_BESOK = timedelta(hours=24)
INGEN_TID = timedelta(0)
LIGNER_FNR = re.compile(r"^\d{11}$")
# BV6: the longest staff pseudonym, measure code and journal reference a report may carry.
ANSATT_MAKS = 64
TILTAKSKODE_MAKS = 64
JOURNAL_MAKS = 200


def sjekk_ikke_avsluttet_for(lev: Leveranse, dato: date, felt: str) -> None:
    """R23: after death or moving out, nothing is delivered."""
    a = lev.avsluttet
    if a is not None and a.arsak in (Sluttarsak.DODSFALL, Sluttarsak.FLYTTET) and dato > a.sluttdato:
        hva = "døde" if a.arsak is Sluttarsak.DODSFALL else "flyttet ut av kommunen"
        raise Regelbrudd("R23", felt, f"brukeren {hva} {a.sluttdato}; ingenting leveres etter det")



def sjekk_besok(start: datetime, slutt: datetime, ansatt: str, kategori: Besokskategori,
                tiltakskode: str | None) -> None:
    """R18/R18a: a visit is a real, bounded interval by a pseudonymous staff member."""
    kalender.krev_tidssone(start, "start", "BV2")
    kalender.krev_tidssone(slutt, "slutt", "BV2")
    if type(start.tzinfo) is timezone and type(slutt.tzinfo) is timezone:
        varighet = slutt - start  # fixed offsets (parsed ISO text): already real elapsed time
    else:
        varighet = kalender.varighet(start, slutt)
    if varighet <= INGEN_TID:
        raise Regelbrudd("R18", "slutt", "besøket må slutte etter at det startet")
    if varighet > LENGSTE_BESOK:
        raise Regelbrudd("R18", "slutt", "et besøk kan ikke vare mer enn 24 timer")
    ren_tekst(ansatt, "ansatt", maks=ANSATT_MAKS)
    if tiltakskode is not None:
        ren_tekst(tiltakskode, "tiltakskode", maks=TILTAKSKODE_MAKS)
    if not ansatt.strip() or LIGNER_FNR.match(ansatt.strip()):
        raise Regelbrudd("R28a", "ansatt", "ansatt-id må være et pseudonym (aldri fødselsnummer)")
    if kategori is Besokskategori.AKUTT_EKSTRA and not (tiltakskode or "").strip():
        raise Regelbrudd("R18a", "tiltakskode", "akutt ekstrabesøk må dokumenteres med tiltakskode")


def besok_registrert(lev: Leveranse, start: datetime, slutt: datetime, ansatt: str) -> bool:
    """The same visit (same start, end and staff) is already recorded on the delivery."""
    return (start, slutt, ansatt) in lev.besoksnokler


def besokets_id(lev: Leveranse, besok_id: UUID, start: datetime, slutt: datetime,
                ansatt: str) -> UUID:
    """The id the visit has once ``registrer_besok`` on ``lev`` is saved: its own, or the id the
    same visit was recorded under before (a repeat records nothing)."""
    if besok_id in lev.besok:
        return besok_id
    return lev.besoksnokler.get((start, slutt, ansatt), besok_id)


def sjekk_besok_paa_leveranse(lev: Leveranse, start: datetime, slutt: datetime) -> None:
    """R23 and R20 for a new visit, against what the delivery already knows."""
    a = lev.avsluttet
    if a is not None and a.arsak in (Sluttarsak.DODSFALL, Sluttarsak.FLYTTET):
        sjekk_ikke_avsluttet_for(lev, kalender.lokal_dato(start), "start")
    per_dag = lev.avbestillinger_per_dag
    if not per_dag:
        return
    for dag in nabodager(start, slutt):
        for x in per_dag.get(dag, ()):
            if kalender.foer(start, x.planlagt_slutt) and kalender.foer(x.planlagt_start, slutt):
                raise Regelbrudd("R20", "start", f"besøket {x.planlagt_start:%Y-%m-%d %H:%M} er "
                                 "avbestilt; et avbestilt besøk er ikke levert tid")



def sjekk_avbestilling(planlagt_start: datetime, planlagt_slutt: datetime,
                       avbestilt_tid: datetime, journalreferanse: str) -> None:
    """R20: a cancellation names a real planned interval and is documented in the journal."""
    for felt, t in (("planlagt_start", planlagt_start), ("planlagt_slutt", planlagt_slutt),
                    ("avbestilt_tid", avbestilt_tid)):
        kalender.krev_tidssone(t, felt, "BV2")
    if not kalender.foer(planlagt_start, planlagt_slutt):
        raise Regelbrudd("BV3", "planlagt_slutt", "planlagt slutt må være etter planlagt start")
    ren_tekst(journalreferanse, "journalreferanse", maks=JOURNAL_MAKS)
    if not journalreferanse.strip():
        raise Regelbrudd("R20", "journalreferanse", "avbestillingen må dokumenteres i journal")


def avbestilling_id(leveranse_id: UUID, planlagt_start: datetime) -> UUID:
    """A cancellation is the delivery's planned visit at that start (one per start, R20): its id
    is derived from the two, so the same cancellation reported again, or in a time report, has
    the same id."""
    return uuid5(leveranse_id, f"avbestilling {planlagt_start.astimezone(UTC).isoformat()}")


def avbestilling_registrert(lev: Leveranse, planlagt_start: datetime) -> bool:
    """The visit planned at this start is already cancelled on the delivery."""
    return planlagt_start in lev.avbestilte_starter


def sjekk_avbestilling_paa_leveranse(lev: Leveranse, planlagt_start: datetime,
                                     planlagt_slutt: datetime) -> None:
    """R20: a delivered visit cannot be cancelled."""
    per_dag = lev.besok_per_dag
    if not per_dag:
        return
    for dag in nabodager(planlagt_start, planlagt_slutt):
        for b in per_dag.get(dag, ()):
            if kalender.foer(b.start, planlagt_slutt) and kalender.foer(planlagt_start, b.slutt):
                raise Regelbrudd("R20", "planlagt_start", "det er registrert et utført besøk i "
                                 "dette tidsrommet; et utført besøk kan ikke avbestilles")

