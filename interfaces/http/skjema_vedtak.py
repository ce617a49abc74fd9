"""Schemas of the vedtak resource: receipt by the user, revurdering, revision, extension, end,
appeals, and the vedtak as answered."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from domain import kommandoer as k
from domain.begreper import (
    Flerlinjetekst,
    Sluttarsak,
    Tjenestetype,
)
from domain.frister import Frist
from domain.vedtak import Klageutfall, Omfang, Utfall, Vedtak
from interfaces.http.frist import FristUt, frist_ut
from interfaces.http.skjema import Dato, IdLager, Inn, Lang, Tidspunkt, Ut
from interfaces.http.skjema_brukere import OmfangInn

# --- vedtak ----------------------------------------------------------------------------------


class VedtakMottattInn(Inn):
    mottatt_dato: Dato

    def kommando(self, vedtak_id: UUID) -> k.RegistrerVedtakMottatt:
        return k.RegistrerVedtakMottatt(vedtak_id=vedtak_id, mottatt_dato=self.mottatt_dato)


class RevurderingInn(Inn):
    anmodet_tid: Tidspunkt
    begrunnelse: Lang = Field(examples=["brukeren trenger mer hjelp etter fall"])
    revurdering_id: UUID | None = None

    def kommando(self, vedtak_id: UUID, leverandor_id: str,
                 ny_id: IdLager) -> k.AnmodRevurdering:
        return k.AnmodRevurdering(vedtak_id=vedtak_id, anmodet_tid=self.anmodet_tid,
                                  leverandor_id=leverandor_id, begrunnelse=self.begrunnelse,
                                  revurdering_id=self.revurdering_id or ny_id("revurdering"))


class RevurderingSvarInn(Inn):
    besvart_tid: Tidspunkt
    utfall: Utfall
    nytt_omfang: OmfangInn | None = None
    gyldig_fra: Dato | None = None

    def kommando(self, vedtak_id: UUID, revurdering_id: UUID) -> k.BesvarRevurdering:
        return k.BesvarRevurdering(
            vedtak_id=vedtak_id, revurdering_id=revurdering_id, besvart_tid=self.besvart_tid,
            utfall=self.utfall, gyldig_fra=self.gyldig_fra,
            nytt_omfang=self.nytt_omfang.domene() if self.nytt_omfang else None)


class VedtakRevisjonInn(Inn):
    """The bydel's own revision of the scope (seed 001: "fatte, revurdere og avslutte vedtak")."""

    gyldig_fra: Dato
    nytt_omfang: OmfangInn
    begrunnelse: Lang

    def kommando(self, vedtak_id: UUID) -> k.ReviderVedtak:
        return k.ReviderVedtak(vedtak_id=vedtak_id, gyldig_fra=self.gyldig_fra,
                               nytt_omfang=self.nytt_omfang.domene(),
                               begrunnelse=self.begrunnelse)


class ForlengelseInn(Inn):
    ny_gyldig_til: Dato | None = Field(description="null: løpende")

    def kommando(self, vedtak_id: UUID) -> k.ForlengVedtak:
        return k.ForlengVedtak(vedtak_id=vedtak_id, ny_gyldig_til=self.ny_gyldig_til)


class VedtakAvslutningInn(Inn):
    dato: Dato
    arsak: Sluttarsak

    def kommando(self, vedtak_id: UUID) -> k.AvsluttVedtak:
        return k.AvsluttVedtak(vedtak_id=vedtak_id, dato=self.dato, arsak=self.arsak)


class KlageInn(Inn):
    mottatt_dato: Dato
    gjelder: Lang = Field(examples=["omfanget av praktisk bistand"])
    klage_id: UUID | None = None

    def kommando(self, vedtak_id: UUID, ny_id: IdLager) -> k.MottaKlage:
        return k.MottaKlage(vedtak_id=vedtak_id, mottatt_dato=self.mottatt_dato,
                            gjelder=self.gjelder, klage_id=self.klage_id or ny_id("klage"))


class KlageavgjorelseInn(Inn):
    avgjort_dato: Dato
    utfall: Klageutfall
    begrunnelse: Flerlinjetekst = Field(default="", max_length=4000)

    def kommando(self, vedtak_id: UUID, klage_id: UUID) -> k.AvgjorKlage:
        return k.AvgjorKlage(vedtak_id=vedtak_id, klage_id=klage_id, **self.model_dump())


class OmfangUt(Ut):
    gyldig_fra: date
    minutter: int
    per_uker: int
    innhold: str
    antall_ansatte: int = 1


class RevurderingSvarUt(Ut):
    besvart_tid: datetime
    utfall: Utfall
    nytt_omfang: OmfangInn | None
    gyldig_fra: date | None


class RevurderingUt(Ut):
    revurdering_id: UUID
    anmodet_tid: datetime
    leverandor_id: str
    begrunnelse: str
    svar: RevurderingSvarUt | None


class KlageavgjorelseUt(Ut):
    avgjort_dato: date
    utfall: Klageutfall
    begrunnelse: str


class KlageUt(Ut):
    klage_id: UUID
    mottatt_dato: date
    klagefrist: FristUt | None = Field(description="klagefristen (R25) da klagen kom")
    for_sen: bool
    gjelder: str
    avgjorelse: KlageavgjorelseUt | None


class AvslutningUt(Ut):
    dato: date
    arsak: Sluttarsak


# Same fields as the state domain.vedtak.Vedtak: the API's schema is its own contract, so a change
# to the event or the state does not silently change the published document.
class VedtakUt(Ut):
    id: UUID
    versjon: int
    bruker_id: UUID
    tjenestetype: Tjenestetype
    gyldig_fra: date
    gyldig_til: date | None
    vedtaksdato: date
    vedtaksmyndig: str
    omfang: list[OmfangUt]
    mottatt_dato: date | None
    klagefrist: FristUt | None = Field(description="klagefristen (R25), når vedtaket er mottatt")
    revurderinger: list[RevurderingUt]
    klager: list[KlageUt]
    avsluttet: AvslutningUt | None

    @classmethod
    def fra(cls, v: Vedtak) -> VedtakUt:
        def omfang(o: Omfang | None) -> OmfangInn | None:
            return OmfangInn(minutter=o.minutter, per_uker=o.per_uker, innhold=o.innhold,
                             antall_ansatte=o.antall_ansatte) if o else None

        return cls(
            id=v.id, versjon=v.version, bruker_id=v.bruker_id, tjenestetype=v.tjenestetype,
            gyldig_fra=v.gyldig_fra, gyldig_til=v.gyldig_til, vedtaksdato=v.vedtaksdato,
            vedtaksmyndig=v.vedtaksmyndig,
            omfang=[OmfangUt(gyldig_fra=fra, minutter=o.minutter, per_uker=o.per_uker,
                             innhold=o.innhold, antall_ansatte=o.antall_ansatte)
                    for fra, o in v.omfang],
            mottatt_dato=v.mottatt_dato,
            klagefrist=frist_ut(Frist(dato=v.klagefrist)) if v.klagefrist else None,
            revurderinger=[RevurderingUt(
                revurdering_id=rid, anmodet_tid=r.anmodning.anmodet_tid,
                leverandor_id=r.anmodning.leverandor_id, begrunnelse=r.anmodning.begrunnelse,
                svar=RevurderingSvarUt(besvart_tid=r.svar.besvart_tid, utfall=r.svar.utfall,
                                       nytt_omfang=omfang(r.svar.nytt_omfang),
                                       gyldig_fra=r.svar.gyldig_fra) if r.svar else None)
                for rid, r in v.revurderinger.items()],
            klager=[KlageUt(
                klage_id=kid, mottatt_dato=kl.mottatt_dato,
                klagefrist=frist_ut(Frist(dato=kl.klagefrist)) if kl.klagefrist else None,
                for_sen=kl.for_sen, gjelder=kl.gjelder,
                avgjorelse=KlageavgjorelseUt(avgjort_dato=a.avgjort_dato, utfall=a.utfall,
                                             begrunnelse=a.begrunnelse)
                if (a := v.klageavgjorelser.get(kid)) else None)
                for kid, kl in v.klager.items()],
            avsluttet=AvslutningUt(dato=v.avsluttet.dato, arsak=v.avsluttet.arsak)
            if v.avsluttet else None)
