"""The use cases on a user (Bruker): registration, R01 information, R02 choice and its correction,
switching provider, household income, moving, death and moving out."""

from __future__ import annotations

from collections.abc import Collection
from typing import cast
from uuid import uuid4

from application.base import (
    AppBase,
    FodselsnummerIndeksert,
    Kvittering,
    Medfolgende,
    brukstilfelle,
)
from domain import bruker as b_mod
from domain import kalender, saksgang
from domain import kommandoer as k
from domain.begreper import (
    Aktor,
    Hendelser,
    Regelbrudd,
)


class BrukerUseCases(AppBase):
    """The use cases on a user (Bruker)."""

    # Every use case below has the same signature (cmd, aktor, *, forventet_versjon, medfolgende)
    # and the same load, decide, save steps (AppBase._kommando, _lagre): the sameness is the point;
    # each names its own command, state and decider.
    @brukstilfelle
    def registrer_bruker(self, cmd: k.RegistrerBruker, aktor: Aktor, *,
                         medfolgende: Medfolgende | None = None) -> Kvittering:
        """Register a person in a bydel; the same registration again is recorded once.

        Only a record of the number within the bydel's reach counts (R24,
        ``Bruker.bydeler_med_tilgang`` today: during a move recorded ahead also the new bydel's).
        A person held by another bydel gets a record of its own here, answered exactly as a first
        registration: a bydel must not learn from the answer that a number belongs to someone
        another bydel serves (issue 14). The responsibility itself moves by the holding bydel's
        move (R24); see docs/api.md.
        """
        self.ref.bydel(cmd.bydel)
        fnr = b_mod.valider_fodselsnummer(cmd.fodselsnummer)
        indeks_id = self._indeks_id(fnr)
        registrert = [cast(FodselsnummerIndeksert, e) for e in self.events.get(indeks_id)]
        ktx = self._ktx(aktor)
        idag = kalender.lokal_dato(ktx.naa)
        for e in registrert:
            b = self.bruker(e.bruker_id)
            if cmd.bydel in b.bydeler_med_tilgang(idag):
                if b.navn != cmd.navn.strip():
                    raise Regelbrudd("BV1", "fodselsnummer", "fødselsnummeret er allerede "
                                     "registrert på en bruker med andre opplysninger")
                return Kvittering(b.id, b.version, 0)
        bruker_id = uuid4()
        hendelser = b_mod.registrer(cmd, bruker_id, ktx)
        indeks = Hendelser(indeks_id, registrert[-1].originator_version if registrert else 0, ktx)
        indeks.ny(FodselsnummerIndeksert, bruker_id=bruker_id)
        return self._lagre([*hendelser, *indeks.liste], bruker_id, 0, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_informasjon_gitt(self, cmd: k.RegistrerInformasjonGitt, aktor: Aktor, *,
                                   forventet_versjon: Collection[int] | None = None,
                                   medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        ny = b_mod.gi_informasjon(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def velg_leverandor(self, cmd: k.VelgLeverandor, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        self.ref.leverandor(cmd.leverandor_id, cmd.tjenestetype)
        ny = b_mod.velg_leverandor(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def korriger_leverandorvalg(self, cmd: k.KorrigerLeverandorvalg, aktor: Aktor, *,
                                forventet_versjon: Collection[int] | None = None,
                                medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        original = next((v for v in b.valg if v.hendelse_id == cmd.korrigerer), None)
        self.ref.leverandor(cmd.leverandor_id, original.tjenestetype if original else None)
        ny = b_mod.korriger_valg(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def bytt_leverandor(self, cmd: k.ByttLeverandor, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        """R06-R08: returns the receipt of the new delivery."""
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        self.ref.leverandor(cmd.til_leverandor_id, cmd.tjenestetype, "til_leverandor_id")
        ref = b.leveranse_paa(cmd.tjenestetype, cmd.oppsigelsesdato)
        gammel = self.leveranse(ref.leveranse_id) if ref else None
        bytte = b.ventende_bytte(cmd.tjenestetype, cmd.oppsigelsesdato)
        ventende = self.leveranse(bytte.ny_leveranse_id) if bytte else None
        ut = saksgang.bytt_leverandor(cmd, b, gammel, ventende, self._ktx(aktor))
        return self._lagre_ny_leveranse(ut, medfolgende)

    @brukstilfelle
    def send_bytte_bekreftelse(self, cmd: k.SendBytteBekreftelse, aktor: Aktor, *,
                               forventet_versjon: Collection[int] | None = None,
                               medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        ny = b_mod.bekreft_bytte(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_husstandsinntekt(self, cmd: k.RegistrerHusstandsinntekt, aktor: Aktor, *,
                                   forventet_versjon: Collection[int] | None = None,
                                   medfolgende: Medfolgende | None = None) -> Kvittering:
        """R19: the household income that decides the co-payment bracket."""
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        ny = b_mod.registrer_husstandsinntekt(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def flytt_til_bydel(self, cmd: k.FlyttTilBydel, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        self.ref.bydel(cmd.til_bydel, "til_bydel")
        ny = b_mod.flytt_til_bydel(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_dodsfall(self, cmd: k.RegistrerDodsfall, aktor: Aktor, *,
                           forventet_versjon: Collection[int] | None = None,
                           medfolgende: Medfolgende | None = None) -> Kvittering:
        """R23: one atomic save ends every active delivery and vedtak on the date of death."""
        return self._avslutt_alt(cmd, aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def registrer_utflytting(self, cmd: k.RegistrerUtflytting, aktor: Aktor, *,
                             forventet_versjon: Collection[int] | None = None,
                             medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._avslutt_alt(cmd, aktor, forventet_versjon, medfolgende)

