"""Bruker's decisions: ``navn(cmd, state, ktx) -> events``. Each takes its command
(``domain.kommandoer``), the state it decides on and the context (who, when), checks its rules
and returns the new events, or raises ``Regelbrudd`` naming the rule and the field. A command
repeated returns no events. The ones that also touch a Vedtak or a Leveranse are in
``domain.saksgang``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import fodselsnummer as stdnum_fnr

from domain import ansvar
from domain.begreper import Hendelse, Hendelser, Kontekst, Regelbrudd
from domain.bruker import (
    BrukerRegistrert,
    BrukervalgInformasjonGitt,
    BytteBekreftelseSendt,
    FlyttetTilBydel,
    HusstandsinntektRegistrert,
    LeverandorvalgKorrigert,
    LeverandorValgt,
)
from domain.bruker.tilstand import Bruker

if TYPE_CHECKING:  # domain.kommandoer imports this package (for Mottaker)
    from domain import kommandoer as k

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


def registrer(cmd: k.RegistrerBruker, bruker_id: UUID, ktx: Kontekst) -> list[Hendelse]:
    """BV1/BV4: a new user. There is no state yet: in its place the id the application chose
    (whether the person is already registered is the application's index, not a Bruker)."""
    fnr = valider_fodselsnummer(cmd.fodselsnummer)
    if not cmd.navn.strip():
        raise Regelbrudd("BV4", "navn", "navn mangler")
    h = Hendelser(bruker_id, 0, ktx)
    h.ny(BrukerRegistrert, fodselsnummer=fnr, navn=cmd.navn.strip(), bydel=cmd.bydel)
    return h.liste


def gi_informasjon(cmd: k.RegistrerInformasjonGitt, b: Bruker, ktx: Kontekst) -> list[Hendelse]:
    """R01: record that information about brukervalg was given: when, by whom, to whom."""
    for i in b.informasjon:
        if (i.gitt_tid, i.gitt_av, i.gitt_til, i.mottaker_navn) == (
                cmd.gitt_tid, cmd.gitt_av, cmd.gitt_til, cmd.mottaker_navn):
            return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(BrukervalgInformasjonGitt, gitt_tid=cmd.gitt_tid, gitt_av=cmd.gitt_av,
         gitt_til=cmd.gitt_til, mottaker_navn=cmd.mottaker_navn)
    return h.liste


def sjekk_valgdato(gyldig_fra: date, felt: str = "gyldig_fra") -> None:
    """R04: choices effective before 2024-06-01 are not back-registered."""
    if gyldig_fra < BRUKERVALG_START:
        raise Regelbrudd("R04", felt, f"valg med virkning før {BRUKERVALG_START} registreres ikke "
                         "(registreres ved neste revurdering eller bytte)")


def velg_leverandor(cmd: k.VelgLeverandor, b: Bruker, ktx: Kontekst) -> list[Hendelse]:
    """R02: the user's choice of provider for a tjenestetype (R04: not before the scheme began;
    R23: not after death or moving out)."""
    sjekk_valgdato(cmd.gyldig_fra)
    sjekk_i_live(b, cmd.gyldig_fra, "gyldig_fra")
    for v in b.valg:
        if (v.korrigert_av is None and v.tjenestetype == cmd.tjenestetype
                and (v.leverandor_id, v.form, v.gyldig_fra) == (
                    cmd.leverandor_id, cmd.form, cmd.gyldig_fra)):
            return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(LeverandorValgt, tjenestetype=cmd.tjenestetype, leverandor_id=cmd.leverandor_id,
         form=cmd.form, gyldig_fra=cmd.gyldig_fra)
    return h.liste


def korriger_valg(cmd: k.KorrigerLeverandorvalg, b: Bruker, ktx: Kontekst) -> list[Hendelse]:
    """R26: correct a recorded choice by a new fact that refers to it."""
    korrigerer = cmd.korrigerer
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
    sjekk_valgdato(cmd.gyldig_fra)
    if not cmd.begrunnelse.strip():
        raise Regelbrudd("R26", "begrunnelse", "en korreksjon må begrunnes")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(LeverandorvalgKorrigert, korrigerer=korrigerer, tjenestetype=original.tjenestetype,
         leverandor_id=cmd.leverandor_id, form=cmd.form, gyldig_fra=cmd.gyldig_fra,
         begrunnelse=cmd.begrunnelse)
    return h.liste


def flytt_til_bydel(cmd: k.FlyttTilBydel, b: Bruker, ktx: Kontekst) -> list[Hendelse]:
    """R24: a move between bydeler transfers responsibility from its date; history stays. A move
    changing nothing planned is recorded once; one from a planned move's date or earlier replaces
    it (``domain.ansvar.tidslinje``: a move back cancels it)."""
    til_bydel, dato = cmd.til_bydel, cmd.dato
    linje = b.bydeler
    if ansvar.tidslinje(b.registrert_bydel, [*b.flyttinger, (dato, til_bydel)]) == linje:
        return []
    sjekk_i_live(b, dato, "dato")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(FlyttetTilBydel, fra_bydel=ansvar.ansvarlig_bydel(linje, dato), til_bydel=til_bydel,
         dato=dato)
    return h.liste


def registrer_husstandsinntekt(cmd: k.RegistrerHusstandsinntekt, b: Bruker,
                               ktx: Kontekst) -> list[Hendelse]:
    """R19: record the household income that sets the co-payment bracket from a date."""
    nettoinntekt, gyldig_fra = cmd.nettoinntekt, cmd.gyldig_fra
    if nettoinntekt < 0:
        raise Regelbrudd("R19", "nettoinntekt", "inntekten kan ikke være negativ")
    if (gyldig_fra, nettoinntekt) in b.husstandsinntekter:
        return []
    sjekk_i_live(b, gyldig_fra, "gyldig_fra")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(HusstandsinntektRegistrert, nettoinntekt=nettoinntekt, gyldig_fra=gyldig_fra,
         kilde=cmd.kilde)
    return h.liste


def bekreft_bytte(cmd: k.SendBytteBekreftelse, b: Bruker, ktx: Kontekst) -> list[Hendelse]:
    """R09: record the letter confirming a switch."""
    tjenestetype, oppsigelsesdato = cmd.tjenestetype, cmd.oppsigelsesdato
    if not any(x.tjenestetype == tjenestetype and x.oppsigelsesdato == oppsigelsesdato
               for x in b.bytter):
        raise Regelbrudd("R09", "oppsigelsesdato",
                         f"ingen bytte av {tjenestetype} med oppsigelsesdato {oppsigelsesdato}")
    if (tjenestetype, oppsigelsesdato) in b.bekreftelser:
        return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(BytteBekreftelseSendt, bytte_oppsigelsesdato=oppsigelsesdato, tjenestetype=tjenestetype,
         sendt_dato=cmd.sendt_dato)
    return h.liste

