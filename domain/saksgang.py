"""Decisions that span aggregates: ordering, switching, linking a vedtak, death and moving out.

Each has the shape ``navn(cmd, states…, ktx) -> Beslutning``: the command (``domain.kommandoer``)
first, then the states it decides on, then the context. It returns the new events of every
aggregate it touches; the application saves them in one atomic save, and the Bruker aggregate is
always among them, so concurrent commands on one user conflict instead of interleaving.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from domain import bruker as b_mod
from domain import kalender
from domain import kommandoer as k
from domain import leveranse as l_mod
from domain import vedtak as v_mod
from domain.begreper import Hendelse, Hendelser, Kontekst, Regelbrudd, Sluttarsak, Tjenestetype
from domain.bruker import Bruker
from domain.leveranse import Leveranse
from domain.vedtak import Vedtak


@dataclass
class Beslutning:
    """New events, grouped by aggregate, plus the id the caller asked about."""

    hendelser: list[Hendelse] = field(default_factory=list)
    id: UUID | None = None

    def legg_til(self, nye: list[Hendelse]) -> None:
        self.hendelser.extend(nye)


def _sjekk_overlapp(b: Bruker, tjenestetype: Tjenestetype, fom: date, tom: date | None,
                    unntatt: UUID | None = None, felt: str = "fom") -> None:
    """R08: deliveries of the same user and tjenestetype never overlap."""
    annen = b.overlappende(tjenestetype, fom, tom, unntatt)
    if annen is not None:
        slutt = annen.tom.isoformat() if annen.tom else "løpende"
        raise Regelbrudd("R08", felt, f"overlapper leveranse {annen.leveranse_id} "
                         f"({annen.leverandor_id}, {annen.fom}–{slutt}) av samme tjenestetype")


def bestill_leveranse(cmd: k.BestillLeveranse, b: Bruker, vedtak: Vedtak | None, ktx: Kontekst,
                      kommunal_id: str) -> Beslutning:
    """Order the service from the chosen provider (R03: municipal if no choice, ``kommunal_id``
    from the reference data), no overlap (R08).

    Without a vedtak the service starts before the application is decided (R14).
    """
    tjenestetype, leveranse_id, fom, tom = cmd.tjenestetype, cmd.leveranse_id, cmd.fom, cmd.tom
    if tom is not None and tom < fom:
        raise Regelbrudd("BV3", "tom", f"sluttdato {tom} er før startdato {fom}")
    if vedtak is not None:
        if vedtak.bruker_id != b.id:
            raise Regelbrudd("R14", "vedtak_id", "vedtaket gjelder en annen bruker")
        if vedtak.tjenestetype != tjenestetype:
            raise Regelbrudd("R14", "tjenestetype", f"vedtaket gjelder {vedtak.tjenestetype}")
        if not vedtak.gjelder(fom):
            raise Regelbrudd("R14", "fom", "leveransen må starte innenfor vedtakets gyldighet "
                             f"({vedtak.gyldig_fra}–{vedtak.gyldig_til or 'løpende'})")
        if tom is None or (vedtak.gyldig_til is not None and tom > vedtak.gyldig_til):
            tom = vedtak.gyldig_til
    leverandor = cmd.leverandor_id or b.valgt_leverandor(tjenestetype, fom, kommunal_id)
    b_mod.sjekk_i_live(b, fom, "fom")
    vedtak_id = vedtak.id if vedtak else None
    for ref in b.leveranser.values():  # the same order repeated is recorded once
        if (ref.tjenestetype, ref.leverandor_id, ref.fom, ref.vedtak_id) == (
                tjenestetype, leverandor, fom, vedtak_id):
            return Beslutning(id=ref.leveranse_id)
    _sjekk_overlapp(b, tjenestetype, fom, tom)
    ut = Beslutning(id=leveranse_id)
    ut.legg_til(l_mod.bestill(leveranse_id, b.id, vedtak_id, tjenestetype, leverandor, fom, tom,
                              ktx))
    h = Hendelser(b.id, b.version, ktx)
    h.ny(b_mod.LeveranseTilknyttet, leveranse_id=leveranse_id, vedtak_id=vedtak_id,
         tjenestetype=tjenestetype, leverandor_id=leverandor, fom=fom, tom=tom)
    ut.legg_til(h.liste)
    return ut


def bytt_leverandor(cmd: k.ByttLeverandor, b: Bruker, gammel: Leveranse | None,
                    ventende: Leveranse | None, ktx: Kontekst) -> Beslutning:
    """R06-R08: switch at any time without a reason; ten days' notice; no overlap.

    ``gammel``: the delivery running on the notice date (``Bruker.leveranse_paa``);
    ``ventende``: the delivery of a switch not yet taken over (``Bruker.ventende_bytte``); a new
    notice then is a change of mind (``_skift_mening``).
    """
    tjenestetype, til_leverandor_id = cmd.tjenestetype, cmd.til_leverandor_id
    oppsigelsesdato, ny_leveranse_id = cmd.oppsigelsesdato, cmd.ny_leveranse_id
    for x in b.bytter:
        if (x.tjenestetype, x.oppsigelsesdato, x.til_leverandor_id) == (
                tjenestetype, oppsigelsesdato, til_leverandor_id):
            return Beslutning(id=x.ny_leveranse_id)
    b_mod.sjekk_valgdato(oppsigelsesdato, "oppsigelsesdato")
    b_mod.sjekk_i_live(b, oppsigelsesdato, "oppsigelsesdato")
    if gammel is None:
        raise Regelbrudd("R07", "tjenestetype", f"brukeren har ingen aktiv leveranse av "
                         f"{tjenestetype} {oppsigelsesdato} å si opp; registrer et valg i stedet")
    bytte = b.ventende_bytte(tjenestetype, oppsigelsesdato)
    if bytte is not None and bytte.gammel_leveranse_id == gammel.id:
        if ventende is None or ventende.id != bytte.ny_leveranse_id:
            raise ValueError("the pending switch's delivery must be given")  # a caller's defect
        return _skift_mening(cmd, b, gammel, ventende, bytte, ktx)
    if gammel.avsluttet is not None and gammel.avsluttet.arsak is Sluttarsak.BYTTE_AV_LEVERANDOR:
        raise Regelbrudd("R08", "oppsigelsesdato", "et bytte er allerede registrert; leveransen "
                         f"slutter {gammel.avsluttet.sluttdato} og en ny leverandør tar over")
    if gammel.leverandor_id == til_leverandor_id:
        raise Regelbrudd("R06", "til_leverandor_id",
                         f"{til_leverandor_id} leverer allerede tjenesten")
    siste_dag, forste_dag = kalender.frist_r07_bytte(oppsigelsesdato)
    ny_tom = gammel.tom if gammel.avsluttet is None else None
    _sjekk_overlapp(b, tjenestetype, forste_dag, ny_tom, unntatt=gammel.id,
                    felt="oppsigelsesdato")
    if gammel.tom is not None and gammel.tom < forste_dag:
        raise Regelbrudd("R07", "oppsigelsesdato", f"leveransen slutter uansett {gammel.tom}, "
                         "før en ny leverandør kan ta over etter oppsigelsestiden")
    b_mod.sjekk_i_live(b, forste_dag, "oppsigelsesdato")
    ut = Beslutning(id=ny_leveranse_id)
    ut.legg_til(l_mod.avslutt(gammel, siste_dag, Sluttarsak.BYTTE_AV_LEVERANDOR, "", ktx))
    ut.legg_til(l_mod.bestill(ny_leveranse_id, b.id, gammel.vedtak_id, tjenestetype,
                              til_leverandor_id, forste_dag, ny_tom, ktx))
    h = Hendelser(b.id, b.version, ktx)
    h.ny(b_mod.LeverandorByttet, tjenestetype=tjenestetype, fra_leverandor_id=gammel.leverandor_id,
         til_leverandor_id=til_leverandor_id, form=cmd.form, oppsigelsesdato=oppsigelsesdato,
         gammel_leveranse_id=gammel.id, siste_dag_gammel=siste_dag,
         ny_leveranse_id=ny_leveranse_id, forste_dag_ny=forste_dag)
    h.ny(b_mod.LeveranseperiodeEndret, leveranse_id=gammel.id, tom=siste_dag,
         arsak=Sluttarsak.BYTTE_AV_LEVERANDOR)
    h.ny(b_mod.LeveranseTilknyttet, leveranse_id=ny_leveranse_id, vedtak_id=gammel.vedtak_id,
         tjenestetype=tjenestetype, leverandor_id=til_leverandor_id, fom=forste_dag, tom=ny_tom)
    ut.legg_til(h.liste)
    return ut


def _skift_mening(cmd: k.ByttLeverandor, b: Bruker, gammel: Leveranse, ventende: Leveranse,
                  bytte: b_mod.LeverandorByttet, ktx: Kontekst) -> Beslutning:
    """R06 during a pending switch: the user may choose again "når som helst" (seed 003).
    A step of ``bytt_leverandor``: ``bytte`` is the pending switch whose delivery is ``ventende``.

    The old provider was given notice by the first switch, and its ten days (R07) run from that
    oppsigelsesdato: its end stays. The pending delivery never began, so it is annulled (ended the
    day before its start, reason 16; its provider is told by a recorded termination notice, R09),
    and the newest choice takes over on the day the pending one would have. So choice, deliveries
    and current provider agree on every date, and nothing overlaps (R08).
    """
    til_leverandor_id, oppsigelsesdato = cmd.til_leverandor_id, cmd.oppsigelsesdato
    ny_leveranse_id = cmd.ny_leveranse_id
    if oppsigelsesdato < bytte.oppsigelsesdato:
        raise Regelbrudd("R07", "oppsigelsesdato", f"et nytt bytte kan ikke ha oppsigelsesdato "
                         f"før det ventende byttets ({bytte.oppsigelsesdato})")
    if ventende.leverandor_id == til_leverandor_id:
        raise Regelbrudd("R06", "til_leverandor_id", f"{til_leverandor_id} er allerede valgt og "
                         f"tar over {ventende.fom}")
    if ventende.startet_tid is not None or ventende.besok:
        raise Regelbrudd("R08", "oppsigelsesdato", f"leveransen hos {ventende.leverandor_id} er "
                         "allerede påbegynt; et bytte fra den registreres når den har tatt over")
    overtar, tom = ventende.fom, ventende.tom
    b_mod.sjekk_i_live(b, overtar, "oppsigelsesdato")
    _sjekk_overlapp(b, ventende.tjenestetype, overtar, tom, unntatt=ventende.id,
                    felt="oppsigelsesdato")
    annullert = overtar - timedelta(days=1)
    ut = Beslutning(id=ny_leveranse_id)
    ut.legg_til(l_mod.avslutt(ventende, annullert, Sluttarsak.BYTTE_AV_LEVERANDOR,
                              f"annullert før oppstart: brukeren valgte {til_leverandor_id} "
                              f"(oppsigelsesdato {oppsigelsesdato})", ktx))
    ut.legg_til(l_mod.bestill(ny_leveranse_id, b.id, ventende.vedtak_id, ventende.tjenestetype,
                              til_leverandor_id, overtar, tom, ktx))
    h = Hendelser(b.id, b.version, ktx)
    h.ny(b_mod.LeverandorByttet, tjenestetype=ventende.tjenestetype,
         fra_leverandor_id=gammel.leverandor_id, til_leverandor_id=til_leverandor_id,
         form=cmd.form,
         oppsigelsesdato=oppsigelsesdato, gammel_leveranse_id=gammel.id,
         siste_dag_gammel=bytte.siste_dag_gammel, ny_leveranse_id=ny_leveranse_id,
         forste_dag_ny=overtar, annullert_leveranse_id=ventende.id)
    h.ny(b_mod.LeveranseperiodeEndret, leveranse_id=ventende.id, tom=annullert,
         arsak=Sluttarsak.BYTTE_AV_LEVERANDOR)
    h.ny(b_mod.LeveranseTilknyttet, leveranse_id=ny_leveranse_id, vedtak_id=ventende.vedtak_id,
         tjenestetype=ventende.tjenestetype, leverandor_id=til_leverandor_id, fom=overtar,
         tom=tom)
    ut.legg_til(h.liste)
    return ut


def fatt_vedtak(cmd: k.FattVedtak, b: Bruker, tidligere: Iterable[Vedtak],
                knytt_til: Leveranse | None, ktx: Kontekst) -> Beslutning:
    """Make a vedtak for a user; a service already started is linked, with equal dates (R14).

    ``tidligere``: the user's vedtak (``Bruker.vedtak``); the same vedtak made again (same
    tjenestetype, validity, scope and date) is recorded once: no events, the id of the first.
    ``knytt_til``: the delivery ``cmd.knytt_til_leveranse_id`` names.
    """
    vedtak_id, tjenestetype, gyldig_fra = cmd.vedtak_id, cmd.tjenestetype, cmd.gyldig_fra
    for v in tidligere:
        if (v.bruker_id, v.tjenestetype, v.gyldig_fra, v.gyldig_til, v.omfang[0][1],
                v.vedtaksdato) == (b.id, tjenestetype, gyldig_fra, cmd.gyldig_til, cmd.omfang,
                                   cmd.vedtaksdato):
            return Beslutning(id=v.id)
    if cmd.bruker_id != b.id:
        raise ValueError("the command's bruker must be the one given")  # a caller's defect
    b_mod.sjekk_i_live(b, gyldig_fra, "gyldig_fra")
    ut = Beslutning(id=vedtak_id)
    ut.legg_til(v_mod.fatt(cmd, ktx))
    if knytt_til is not None:
        if knytt_til.bruker_id != b.id or knytt_til.tjenestetype != tjenestetype:
            raise Regelbrudd("R14", "knytt_til_leveranse_id",
                             "leveransen gjelder en annen bruker eller tjenestetype")
        if knytt_til.vedtak_id is not None:
            raise Regelbrudd("R14", "knytt_til_leveranse_id", "leveransen har allerede et vedtak")
        if gyldig_fra != knytt_til.fom:
            raise Regelbrudd("R14", "gyldig_fra", f"vedtakets gyldig fra-dato ({gyldig_fra}) må "
                             f"være lik tjenestens startdato ({knytt_til.fom})")
        h = Hendelser(knytt_til.id, knytt_til.version, ktx)
        h.ny(l_mod.LeveranseKnyttetTilVedtak, vedtak_id=vedtak_id)
        ut.legg_til(h.liste)
    h = Hendelser(b.id, b.version, ktx)
    h.ny(b_mod.VedtakTilknyttet, vedtak_id=vedtak_id, tjenestetype=tjenestetype)
    ut.legg_til(h.liste)
    return ut


def forleng_vedtak(cmd: k.ForlengVedtak, b: Bruker, v: Vedtak, leveranser: Iterable[Leveranse],
                   ktx: Kontekst) -> Beslutning:
    """Extend a vedtak; its running deliveries that ended with it continue with it (R11: an
    extension is notified like a start). A delivery already continued by another is left as is.
    ``leveranser``: the user's deliveries (those of other vedtak are passed over)."""
    ut = Beslutning(id=v.id)
    gammel_til, ny_gyldig_til = v.gyldig_til, cmd.ny_gyldig_til
    ut.legg_til(v_mod.forleng(cmd, v, ktx))
    if not ut.hendelser:
        return ut
    h = Hendelser(b.id, b.version, ktx)
    for lev in leveranser:
        if (lev.vedtak_id != v.id or lev.avsluttet is not None or gammel_til is None
                or lev.tom != gammel_til):
            continue
        if b.overlappende(lev.tjenestetype, gammel_til + timedelta(days=1), ny_gyldig_til,
                          unntatt=lev.id) is not None:
            continue
        lh = Hendelser(lev.id, lev.version, ktx)
        lh.ny(l_mod.LeveransePeriodeForlenget, ny_tom=ny_gyldig_til)
        ut.legg_til(lh.liste)
        h.ny(b_mod.LeveranseperiodeEndret, leveranse_id=lev.id, tom=ny_gyldig_til)
    ut.legg_til(h.liste)
    return ut


def avslutt_leveranse(cmd: k.AvsluttLeveranse, b: Bruker, lev: Leveranse,
                      ktx: Kontekst) -> Beslutning:
    """R22: the provider ends the service when the need ceases (or the vedtak expires)."""
    sluttdato, arsak = cmd.sluttdato, cmd.arsak
    if arsak in (Sluttarsak.DODSFALL, Sluttarsak.FLYTTET, Sluttarsak.BYTTE_AV_LEVERANDOR):
        raise Regelbrudd("R22", "arsak", f"{arsak} registreres med egen kommando")
    if sluttdato < lev.fom - timedelta(days=1):
        raise Regelbrudd("BV3", "sluttdato", "sluttdato er før leveransen startet")
    ut = Beslutning(id=lev.id)
    ut.legg_til(l_mod.avslutt(lev, sluttdato, arsak, cmd.sluttnotat, ktx))
    if ut.hendelser:
        h = Hendelser(b.id, b.version, ktx)
        h.ny(b_mod.LeveranseperiodeEndret, leveranse_id=lev.id, tom=sluttdato, arsak=arsak)
        ut.legg_til(h.liste)
    return ut


def avslutt_alt(cmd: k.RegistrerDodsfall | k.RegistrerUtflytting, b: Bruker,
                leveranser: Iterable[Leveranse], vedtak: Iterable[Vedtak],
                ktx: Kontekst) -> Beslutning:
    """R23: on death or moving out, every active delivery and vedtak ends on that date.
    ``leveranser`` and ``vedtak``: the user's (``Bruker.leveranser``, ``Bruker.vedtak``)."""
    if isinstance(cmd, k.RegistrerDodsfall):
        dato, arsak = cmd.dodsdato, Sluttarsak.DODSFALL
    else:
        dato, arsak = cmd.dato, Sluttarsak.FLYTTET
    registrert = b.dodsdato if arsak is Sluttarsak.DODSFALL else b.utflyttet
    if registrert == dato:
        return Beslutning(id=b.id)
    if b.sluttdato is not None:
        raise Regelbrudd("R23", "dato", f"brukeren er allerede avsluttet {b.sluttdato}; "
                         "rett opp med en korreksjon")
    ut = Beslutning(id=b.id)
    h = Hendelser(b.id, b.version, ktx)
    if arsak is Sluttarsak.DODSFALL:
        h.ny(b_mod.DodsfallRegistrert, dodsdato=dato)
    else:
        h.ny(b_mod.FlyttetUtAvKommunen, dato=dato)
    for lev in leveranser:
        if lev.tom is None or lev.tom > dato:
            ut.legg_til(l_mod.avslutt(lev, dato, arsak, "", ktx))
            h.ny(b_mod.LeveranseperiodeEndret, leveranse_id=lev.id, tom=dato, arsak=arsak)
    for v in vedtak:
        if v.avsluttet is None and (v.gyldig_til is None or v.gyldig_til > dato):
            ut.legg_til(v_mod.avslutt(k.AvsluttVedtak(vedtak_id=v.id, dato=dato, arsak=arsak), v,
                                      ktx))
    ut.legg_til(h.liste)
    return ut
