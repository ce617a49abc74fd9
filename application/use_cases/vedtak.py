"""The use cases on a vedtak: making it, receipt, revurdering (R16), revision, extension, ending,
appeals (R25)."""

from __future__ import annotations

from collections.abc import Collection

from application.base import (
    AppBase,
    Kvittering,
    Medfolgende,
    brukstilfelle,
)
from domain import kommandoer as k
from domain import saksgang
from domain import vedtak as v_mod
from domain.begreper import (
    Aktor,
)


class VedtakUseCases(AppBase):
    """The use cases on a vedtak."""

    # Every use case below has the same signature (cmd, aktor, *, forventet_versjon, medfolgende)
    # and the same load, decide, save steps (AppBase._kommando, _lagre): the sameness is the point;
    # each names its own command, state and decider.
    @brukstilfelle
    def fatt_vedtak(self, cmd: k.FattVedtak, aktor: Aktor, *,
                    forventet_versjon: Collection[int] | None = None,
                    medfolgende: Medfolgende | None = None) -> Kvittering:
        """``forventet_versjon`` is the bruker's (the vedtak is new)."""
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        tidligere = [self.vedtak(i) for i, t in b.vedtak.items() if t == cmd.tjenestetype]
        lev = self.leveranse(cmd.knytt_til_leveranse_id) if cmd.knytt_til_leveranse_id else None
        ut = saksgang.fatt_vedtak(cmd, b, tidligere, lev, self._ktx(aktor))
        if ut.id is not None and not ut.hendelser:  # the same vedtak again: the first one
            return Kvittering(ut.id, self.vedtak(ut.id).version, 0)
        return self._lagre(ut.hendelser, cmd.vedtak_id, 0, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_vedtak_mottatt(self, cmd: k.RegistrerVedtakMottatt, aktor: Aktor, *,
                                 forventet_versjon: Collection[int] | None = None,
                                 medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.registrer_mottatt(
            cmd, v, ktx, self.fristregler), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def anmod_revurdering(self, cmd: k.AnmodRevurdering, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        v = self.vedtak(cmd.vedtak_id, forventet_versjon)
        self.ref.leverandor(cmd.leverandor_id)
        ny = v_mod.anmod_revurdering(cmd, v, self._ktx(aktor))
        return self._lagre(ny, v.id, v.version, (cmd.revurdering_id,), medfolgende=medfolgende)

    @brukstilfelle
    def besvar_revurdering(self, cmd: k.BesvarRevurdering, aktor: Aktor, *,
                           forventet_versjon: Collection[int] | None = None,
                           medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.besvar_revurdering(
            cmd, v, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def revider_vedtak(self, cmd: k.ReviderVedtak, aktor: Aktor, *,
                       forventet_versjon: Collection[int] | None = None,
                       medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.revider(
            cmd, v, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def forleng_vedtak(self, cmd: k.ForlengVedtak, aktor: Aktor, *,
                       forventet_versjon: Collection[int] | None = None,
                       medfolgende: Medfolgende | None = None) -> Kvittering:
        """Extend the vedtak and, in the same save, the deliveries that ended with it."""
        v = self.vedtak(cmd.vedtak_id, forventet_versjon)
        b = self.bruker(v.bruker_id)
        leveranser = [self.leveranse(i) for i, ref in b.leveranser.items() if ref.vedtak_id == v.id
                      or ref.vedtak_id is None]
        ut = saksgang.forleng_vedtak(cmd, b, v, leveranser, self._ktx(aktor))
        return self._lagre(ut.hendelser, v.id, v.version, medfolgende=medfolgende)

    @brukstilfelle
    def avslutt_vedtak(self, cmd: k.AvsluttVedtak, aktor: Aktor, *,
                       forventet_versjon: Collection[int] | None = None,
                       medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.avslutt(
            cmd, v, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def motta_klage(self, cmd: k.MottaKlage, aktor: Aktor, *,
                    forventet_versjon: Collection[int] | None = None,
                    medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.motta_klage(
            cmd, v, ktx, self.fristregler), aktor,
            forventet_versjon, medfolgende, (cmd.klage_id,))

    @brukstilfelle
    def avgjor_klage(self, cmd: k.AvgjorKlage, aktor: Aktor, *,
                     forventet_versjon: Collection[int] | None = None,
                     medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.avgjor_klage(
            cmd, v, ktx), aktor,
            forventet_versjon, medfolgende)

