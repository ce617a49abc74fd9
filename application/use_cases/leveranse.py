"""The use cases on a delivery (Leveranse): ordering, notices (R09, R11-R13), start, visits
(R18, R18a), cancellations, concern reports (R21), ending, deviations (R27)."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from application.base import (
    AppBase,
    Kvittering,
    Medfolgende,
    brukstilfelle,
)
from domain import kommandoer as k
from domain import leveranse as l_mod
from domain import saksgang
from domain.begreper import (
    Aktor,
    Hendelse,
    Regelbrudd,
)


# Its imports are those of the other use-case modules: each loads, decides (domain/), saves (base.py).
class LeveranseUseCases(AppBase):
    """The use cases on a delivery (Leveranse)."""

    # Every use case below has the same signature (cmd, aktor, *, forventet_versjon, medfolgende)
    # and the same load, decide, save steps (AppBase._kommando, _lagre): the sameness is the point;
    # each names its own command, state and decider.
    @brukstilfelle
    def bestill_leveranse(self, cmd: k.BestillLeveranse, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        """``forventet_versjon`` is the bruker's (the delivery is new)."""
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        if cmd.leverandor_id is not None:
            self.ref.leverandor(cmd.leverandor_id, cmd.tjenestetype)
        vedtak = self.vedtak(cmd.vedtak_id) if cmd.vedtak_id else None
        ut = saksgang.bestill_leveranse(cmd, b, vedtak, self._ktx(aktor), self.ref.kommunal_id)
        return self._lagre_ny_leveranse(ut, medfolgende)

    @brukstilfelle
    def varsle_leverandor(self, cmd: k.VarsleLeverandor, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.varsle(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def varsle_oppsigelse(self, cmd: k.VarsleOppsigelse, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id,
                              lambda lev, ktx: l_mod.varsle_oppsigelse(cmd, lev, ktx),
                              aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def start_leveranse(self, cmd: k.StartLeveranse, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.start(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def registrer_besok(self, cmd: k.RegistrerBesok, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        lev = self.leveranse(cmd.leveranse_id, forventet_versjon)
        hendelser = l_mod.registrer_besok(cmd, lev, self._ktx(aktor))
        return self._lagre(hendelser, lev.id, lev.version, (l_mod.besokets_id(
            lev, cmd.besok_id, cmd.start, cmd.slutt, cmd.ansatt),), medfolgende=medfolgende)

    @brukstilfelle
    def registrer_besok_samlet(self, leveranse_id: UUID, besok: list[k.RegistrerBesok],
                               aktor: Aktor, *,
                               forventet_versjon: Collection[int] | None = None,
                               medfolgende: Medfolgende | None = None) -> Kvittering:
        """A batch of visits on one delivery: all are recorded, or none (one bad line stops it)."""
        lev = self.leveranse(leveranse_id, forventet_versjon)
        ktx = self._ktx(aktor)
        nye: list[Hendelse] = []
        ider: list[UUID] = []
        for i, cmd in enumerate(besok):
            if cmd.leveranse_id != leveranse_id:
                raise Regelbrudd("BV0", f"besok[{i}].leveranse_id", "alle besøk må gjelde samme "
                                 "leveranse")
            try:
                hendelser = l_mod.registrer_besok(cmd, lev, ktx)
            except Regelbrudd as e:
                raise Regelbrudd(e.regel, f"besok[{i}].{e.felt}", e.melding) from None
            ider.append(l_mod.besokets_id(lev, cmd.besok_id, cmd.start, cmd.slutt, cmd.ansatt))
            lev = l_mod.projiser(lev, hendelser)  # the next visit is decided on this one's state
            nye += hendelser
        return self._lagre(nye, lev.id, lev.version, tuple(ider), medfolgende=medfolgende)

    @brukstilfelle
    def avbestill_besok(self, cmd: k.AvbestillBesok, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.avbestill(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende,
            (l_mod.avbestilling_id(cmd.leveranse_id, cmd.planlagt_start),))

    @brukstilfelle
    def motta_bekymringsmelding(self, cmd: k.MottaBekymringsmelding, aktor: Aktor, *,
                                forventet_versjon: Collection[int] | None = None,
                                medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(
            self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.motta_bekymringsmelding(
                cmd, lev, ktx), aktor, forventet_versjon, medfolgende,
            (cmd.melding_id,))

    @brukstilfelle
    def videresend_bekymringsmelding(self, cmd: k.VideresendBekymringsmelding, aktor: Aktor, *,
                                     forventet_versjon: Collection[int] | None = None,
                                     medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(
            self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.videresend_bekymringsmelding(
                cmd, lev, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def avslutt_leveranse(self, cmd: k.AvsluttLeveranse, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        lev = self.leveranse(cmd.leveranse_id, forventet_versjon)
        b = self.bruker(lev.bruker_id)
        ut = saksgang.avslutt_leveranse(cmd, b, lev, self._ktx(aktor))
        return self._lagre(ut.hendelser, lev.id, lev.version, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_avvik(self, cmd: k.RegistrerAvvik, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.registrer_avvik(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende, (cmd.avvik_id,))

    @brukstilfelle
    def behandle_avvik(self, cmd: k.BehandleAvvik, aktor: Aktor, *,
                       forventet_versjon: Collection[int] | None = None,
                       medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.behandle_avvik(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende)

