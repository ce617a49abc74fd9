"""Bruker's decisions: each checks its rules on the state and returns the new events (or raises
``Regelbrudd`` naming the rule and the field). The ones that also touch a Vedtak or a Leveranse
are in ``domain.saksgang``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import fodselsnummer as stdnum_fnr

from domain import ansvar
from domain.begreper import Form, Hendelse, Hendelser, Kontekst, Regelbrudd, Tjenestetype
from domain.bruker import (
    BrukerRegistrert,
    BrukervalgInformasjonGitt,
    BytteBekreftelseSendt,
    FlyttetTilBydel,
    HusstandsinntektRegistrert,
    LeverandorvalgKorrigert,
    LeverandorValgt,
    Mottaker,
)
from domain.bruker.tilstand import Bruker

BRUKERVALG_START = date(2024, 6, 1)


def valider_fodselsnummer(fnr: str) -> str:
    """Check digits and birth date (D-numbers accepted) by python-stdnum."""
    try:
        return stdnum_fnr.validate(fnr)
    except StdnumValidationError as e:
        grunn = _STDNUM_GRUNN.get(type(e).__name__, "ugyldig")
        raise Regelbrudd("BV1", "fodselsnummer",
                         f"ugyldig fødselsnummer eller D-nummer ({grunn})") from None


# python-stdnum's reasons, in the language the message is read in.
_STDNUM_GRUNN = {"InvalidLength": "må ha 11 siffer", "InvalidFormat": "bare siffer",
                 "InvalidChecksum": "kontrollsifrene stemmer ikke",
                 "InvalidComponent": "fødselsdatoen finnes ikke"}


def sjekk_i_live(b: Bruker, dato: date, felt: str) -> None:
    """R23: after death (or moving out) nothing new may take effect."""
    if b.sluttdato is not None and dato > b.sluttdato:
        hva = "døde" if b.dodsdato else "flyttet ut av kommunen"
        raise Regelbrudd("R23", felt, f"brukeren {hva} {b.sluttdato}; {dato} er etter det")


def registrer(bruker_id: UUID, fodselsnummer: str, navn: str, bydel: str,
              ktx: Kontekst) -> list[Hendelse]:
    fnr = valider_fodselsnummer(fodselsnummer)
    if not navn.strip():
        raise Regelbrudd("BV4", "navn", "navn mangler")
    h = Hendelser(bruker_id, 0, ktx)
    h.ny(BrukerRegistrert, fodselsnummer=fnr, navn=navn.strip(), bydel=bydel)
    return h.liste


def gi_informasjon(b: Bruker, gitt_tid: datetime, gitt_av: str, gitt_til: Mottaker,
                   mottaker_navn: str | None, ktx: Kontekst) -> list[Hendelse]:
    """R01: record that information about brukervalg was given: when, by whom, to whom."""
    for i in b.informasjon:
        if (i.gitt_tid, i.gitt_av, i.gitt_til, i.mottaker_navn) == (
                gitt_tid, gitt_av, gitt_til, mottaker_navn):
            return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(BrukervalgInformasjonGitt, gitt_tid=gitt_tid, gitt_av=gitt_av, gitt_til=gitt_til,
         mottaker_navn=mottaker_navn)
    return h.liste


def sjekk_valgdato(gyldig_fra: date, felt: str = "gyldig_fra") -> None:
    """R04: choices effective before 2024-06-01 are not back-registered."""
    if gyldig_fra < BRUKERVALG_START:
        raise Regelbrudd("R04", felt, f"valg med virkning før {BRUKERVALG_START} registreres ikke "
                         "(registreres ved neste revurdering eller bytte)")


def velg_leverandor(b: Bruker, tjenestetype: Tjenestetype, leverandor_id: str, form: Form,
                    gyldig_fra: date, ktx: Kontekst) -> list[Hendelse]:
    """R02: the user's choice of provider for a tjenestetype."""
    sjekk_valgdato(gyldig_fra)
    sjekk_i_live(b, gyldig_fra, "gyldig_fra")
    for v in b.valg:
        if (v.korrigert_av is None and v.tjenestetype == tjenestetype
                and (v.leverandor_id, v.form, v.gyldig_fra) == (leverandor_id, form, gyldig_fra)):
            return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(LeverandorValgt, tjenestetype=tjenestetype, leverandor_id=leverandor_id, form=form,
         gyldig_fra=gyldig_fra)
    return h.liste


def korriger_valg(b: Bruker, korrigerer: UUID, leverandor_id: str, form: Form,
                  gyldig_fra: date, begrunnelse: str, ktx: Kontekst) -> list[Hendelse]:
    """R26: correct a recorded choice by a new fact that refers to it."""
    original = next((v for v in b.valg if v.hendelse_id == korrigerer), None)
    if original is None:
        raise Regelbrudd("R26", "korrigerer", f"fant ikke valget {korrigerer} på brukeren")
    if original.korrigert_av is not None:
        raise Regelbrudd("R26", "korrigerer",
                         f"valget er allerede korrigert av {original.korrigert_av}")
    if any(x.hendelse_id == korrigerer for x in b.bytter):
        # Correcting it alone would leave the delivery the switch ordered saying another
        # provider than the choice; a new notice moves both together (R06-R08).
        raise Regelbrudd("R07", "korrigerer", "valget ble registrert ved et bytte av leverandør "
                         "og kan ikke korrigeres alene; registrer et nytt bytte med samme "
                         "oppsigelsesdato og riktig leverandør (før overtakelsen annullerer det "
                         "den ventende leveransen)")
    sjekk_valgdato(gyldig_fra)
    if not begrunnelse.strip():
        raise Regelbrudd("R26", "begrunnelse", "en korreksjon må begrunnes")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(LeverandorvalgKorrigert, korrigerer=korrigerer, tjenestetype=original.tjenestetype,
         leverandor_id=leverandor_id, form=form, gyldig_fra=gyldig_fra, begrunnelse=begrunnelse)
    return h.liste


def flytt_til_bydel(b: Bruker, til_bydel: str, dato: date, ktx: Kontekst) -> list[Hendelse]:
    """R24: a move between bydeler transfers responsibility from its date; history stays. A move
    changing nothing planned is recorded once; one from a planned move's date or earlier replaces
    it (``domain.ansvar.tidslinje``: a move back cancels it)."""
    linje = b.bydeler
    if ansvar.tidslinje(b.registrert_bydel, [*b.flyttinger, (dato, til_bydel)]) == linje:
        return []
    sjekk_i_live(b, dato, "dato")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(FlyttetTilBydel, fra_bydel=ansvar.ansvarlig_bydel(linje, dato), til_bydel=til_bydel,
         dato=dato)
    return h.liste


def registrer_husstandsinntekt(b: Bruker, nettoinntekt: Decimal, gyldig_fra: date, kilde: str,
                               ktx: Kontekst) -> list[Hendelse]:
    """R19: record the household income that sets the co-payment bracket from a date."""
    if nettoinntekt < 0:
        raise Regelbrudd("R19", "nettoinntekt", "inntekten kan ikke være negativ")
    if (gyldig_fra, nettoinntekt) in b.husstandsinntekter:
        return []
    sjekk_i_live(b, gyldig_fra, "gyldig_fra")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(HusstandsinntektRegistrert, nettoinntekt=nettoinntekt, gyldig_fra=gyldig_fra, kilde=kilde)
    return h.liste


def bekreft_bytte(b: Bruker, tjenestetype: Tjenestetype, oppsigelsesdato: date, sendt_dato: date,
                  ktx: Kontekst) -> list[Hendelse]:
    """R09: record the letter confirming a switch."""
    if not any(x.tjenestetype == tjenestetype and x.oppsigelsesdato == oppsigelsesdato
               for x in b.bytter):
        raise Regelbrudd("R09", "oppsigelsesdato",
                         f"ingen bytte av {tjenestetype} med oppsigelsesdato {oppsigelsesdato}")
    if (tjenestetype, oppsigelsesdato) in b.bekreftelser:
        return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(BytteBekreftelseSendt, bytte_oppsigelsesdato=oppsigelsesdato, tjenestetype=tjenestetype,
         sendt_dato=sendt_dato)
    return h.liste

