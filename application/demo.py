"""A realistic demo: bydeler, the municipal and three private providers, vedtak, choices, a switch,
a revurdering, a concern report, a late appeal, a move and a death — recorded as they happen.

The running deliveries report their visits through the end of June 2026, so a follow-up report
for any month of March–June shows what was delivered (their vedtak run on). Each week's visits
are recorded the Monday after, on the demo's own clock: nothing is observed before it happened.
"""


from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from uuid import UUID, uuid4

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.begreper import Aktor, Form, Kanal, Rolle, Tjenestetype
from domain.bruker import Mottaker
from domain.kalender import lokalt_tidspunkt
from domain.leveranse import Besokskategori
from domain.vedtak import Omfang, Utfall

HSP_DAG = Tjenestetype.HJEMMESYKEPLEIE_DAG
HSP_KVELD = Tjenestetype.HJEMMESYKEPLEIE_KVELD
PB = Tjenestetype.PRAKTISK_BISTAND
# Kari Nordmann, the demo's first user (the README's and the start banner's example).
DEMO_FODSELSNUMMER = "15108695088"
# The last day the running deliveries report visits for.
SISTE_BESOKSDAG = "2026-06-30"


class DemoKlokke:
    """The demo's own clock: each step is recorded a little after it happened."""

    def __init__(self) -> None:
        self.naa = lokalt_tidspunkt(date(2026, 1, 5), time(8, 0))

    def __call__(self) -> datetime:
        self.naa += timedelta(seconds=1)
        return self.naa


def _t(d: str, hhmm: str) -> datetime:
    return lokalt_tidspunkt(date.fromisoformat(d), time.fromisoformat(hhmm))


def _aktor(person: str, rolle: Rolle, org: str) -> Aktor:
    return Aktor(person_id=person, rolle=rolle, organisasjon=org)


class _Historie:
    """Steps of the demo, each at the Oslo time it is recorded; played back in time order."""

    def __init__(self) -> None:
        self.steg: list[tuple[datetime, int, Callable[[], object]]] = []

    def ved(self, tid: str, handling: Callable[[], object]) -> None:
        d, hhmm = tid.split(" ")
        self.steg.append((_t(d, hhmm), len(self.steg), handling))

    def spill(self, klokke: DemoKlokke) -> None:
        for tid, _, handling in sorted(self.steg, key=lambda x: (x[0], x[1])):
            klokke.naa = max(klokke.naa, tid)
            handling()


def last_demo(app: BrukervalgApp, klokke: DemoKlokke) -> list[UUID]:
    """Record the demo story in time order; returns the ids of the users it created."""
    sb = {b: _aktor(f"saksbehandler-{b}", Rolle.SAKSBEHANDLER, f"bydel:{b}")
          for b in ("frogner", "sagene", "grunerlokka")}
    vm = {b: _aktor(f"vedtaksmyndig-{b}", Rolle.VEDTAKSMYNDIG, f"bydel:{b}")
          for b in ("frogner", "sagene", "grunerlokka")}
    lev = {x: _aktor(f"koordinator-{x}", Rolle.LEVERANDOR, f"leverandor:{x}")
           for x in ("kommunal", "2care", "nordlys", "fjordomsorg")}
    d = date.fromisoformat
    h = _Historie()
    bruker: dict[str, UUID] = {}
    ids = {navn: uuid4() for navn in (
        "v_kari", "l_kari", "l_kari_ny", "v_per", "l_per", "rev_per", "v_ingrid", "l_ingrid",
        "l_jan", "v_jan", "melding_ingrid")}

    def registrer(navn: str, fnr: str, fullt_navn: str, bydel: str) -> None:
        bruker[navn] = app.registrer_bruker(k.RegistrerBruker(
            fodselsnummer=fnr, navn=fullt_navn, bydel=bydel), sb[bydel]).id

    def besok_uke(leveranse: str, mandag: date, kl: str, minutter: int, ansatte: list[str],
                  aktor: Aktor, dager: int = 7, hver: int = 1) -> None:
        """A provider reports a week's visits the Monday after (R28a: staff pseudonyms)."""
        liste = []
        for i in range(0, dager, hver):
            start = lokalt_tidspunkt(mandag + timedelta(days=i), time.fromisoformat(kl))
            liste.append(k.RegistrerBesok(
                leveranse_id=ids[leveranse], start=start,
                slutt=start + timedelta(minutes=minutter - 5 + (i % 3) * 5),
                ansatt=ansatte[i % len(ansatte)]))
        app.registrer_besok_samlet(ids[leveranse], liste, aktor)

    def rapporter(leveranse: str, fra: str, til: str, kl: str, minutter: int, ansatte: list[str],
                  aktor: Aktor, hver: int = 1) -> None:
        uke = d(fra)
        while uke <= d(til):
            dager = min(7, (d(til) - uke).days + 1)
            rapport = (uke + timedelta(days=7)).isoformat() + " 09:00"
            h.ved(rapport, functools.partial(besok_uke, leveranse, uke, kl, minutter, ansatte,
                                             aktor, dager, hver))
            uke += timedelta(days=7)

    # 1. Kari Nordmann, Frogner: home nursing from 2care, switches to Nordlys (R06-R09).
    h.ved("2026-01-05 09:00", lambda: registrer("kari", DEMO_FODSELSNUMMER, "Kari Nordmann", "frogner"))
    h.ved("2026-01-05 09:05", lambda: app.registrer_informasjon_gitt(k.RegistrerInformasjonGitt(
        bruker_id=bruker["kari"], gitt_tid=_t("2026-01-05", "09:00"), gitt_av="saksbehandler-frogner",
        gitt_til=Mottaker.BRUKER), sb["frogner"]))
    h.ved("2026-01-05 09:10", lambda: app.velg_leverandor(k.VelgLeverandor(
        bruker_id=bruker["kari"], tjenestetype=HSP_DAG, leverandor_id="2care", form=Form.SKRIFTLIG,
        gyldig_fra=d("2026-01-12")), sb["frogner"]))
    h.ved("2026-01-07 13:00", lambda: app.fatt_vedtak(k.FattVedtak(
        vedtak_id=ids["v_kari"], bruker_id=bruker["kari"], tjenestetype=HSP_DAG,
        gyldig_fra=d("2026-01-12"), gyldig_til=d("2026-12-31"),
        omfang=Omfang(minutter=7 * 45, innhold="Morgenstell, medisiner, kompresjonsstrømper"),
        vedtaksdato=d("2026-01-07")), vm["frogner"]))
    h.ved("2026-01-08 11:25", lambda: app.bestill_leveranse(k.BestillLeveranse(
        leveranse_id=ids["l_kari"], bruker_id=bruker["kari"], tjenestetype=HSP_DAG,
        vedtak_id=ids["v_kari"], fom=d("2026-01-12")), sb["frogner"]))
    h.ved("2026-01-08 11:31", lambda: app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=ids["l_kari"], kanal=Kanal.PASIENTOVERGANG, varslet_tid=_t("2026-01-08", "11:30")),
        sb["frogner"]))
    h.ved("2026-01-09 10:00", lambda: app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(
        vedtak_id=ids["v_kari"], mottatt_dato=d("2026-01-09")), sb["frogner"]))
    h.ved("2026-01-12 09:00", lambda: app.start_leveranse(k.StartLeveranse(
        leveranse_id=ids["l_kari"], startet_tid=_t("2026-01-12", "08:10")), lev["2care"]))
    rapporter("l_kari", "2026-01-12", "2026-03-14", "08:10", 45, ["2c-ans-11", "2c-ans-12"], lev["2care"])
    h.ved("2026-03-05 10:15", lambda: app.bytt_leverandor(k.ByttLeverandor(
        bruker_id=bruker["kari"], tjenestetype=HSP_DAG, til_leverandor_id="nordlys", form=Form.MUNTLIG,
        oppsigelsesdato=d("2026-03-05"), ny_leveranse_id=ids["l_kari_ny"]), sb["frogner"]))
    h.ved("2026-03-05 10:41", lambda: app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=ids["l_kari_ny"], kanal=Kanal.PASIENTOVERGANG,
        varslet_tid=_t("2026-03-05", "10:40")), sb["frogner"]))
    h.ved("2026-03-05 10:46", lambda: app.varsle_oppsigelse(k.VarsleOppsigelse(
        leveranse_id=ids["l_kari"], kanal=Kanal.PASIENTOVERGANG,
        varslet_tid=_t("2026-03-05", "10:45")), sb["frogner"]))
    h.ved("2026-03-06 12:00", lambda: app.send_bytte_bekreftelse(k.SendBytteBekreftelse(
        bruker_id=bruker["kari"], tjenestetype=HSP_DAG, oppsigelsesdato=d("2026-03-05"),
        sendt_dato=d("2026-03-06")), sb["frogner"]))
    h.ved("2026-03-15 09:00", lambda: app.start_leveranse(k.StartLeveranse(
        leveranse_id=ids["l_kari_ny"], startet_tid=_t("2026-03-15", "08:30")), lev["nordlys"]))
    rapporter("l_kari_ny", "2026-03-15", SISTE_BESOKSDAG, "08:30", 45, ["nl-ans-3"], lev["nordlys"])

    # 2. Per Hansen, Sagene: practical assistance, no choice -> municipal (R03); revurdering
    #    (R16-R17); later moves to Bydel Grünerløkka (R24).
    h.ved("2026-01-20 13:00", lambda: registrer("per", "01014012369", "Per Hansen", "sagene"))
    h.ved("2026-01-20 13:05", lambda: app.registrer_informasjon_gitt(k.RegistrerInformasjonGitt(
        bruker_id=bruker["per"], gitt_tid=_t("2026-01-20", "13:00"), gitt_av="saksbehandler-sagene",
        gitt_til=Mottaker.PARORENDE, mottaker_navn="Lise Hansen (datter)"), sb["sagene"]))
    h.ved("2026-01-22 10:00", lambda: app.fatt_vedtak(k.FattVedtak(
        vedtak_id=ids["v_per"], bruker_id=bruker["per"], tjenestetype=PB, gyldig_fra=d("2026-02-02"),
        omfang=Omfang(minutter=180, per_uker=2, innhold="Rengjøring og klesvask annenhver uke"),
        vedtaksdato=d("2026-01-22")), vm["sagene"]))
    h.ved("2026-01-22 14:00", lambda: app.bestill_leveranse(k.BestillLeveranse(
        leveranse_id=ids["l_per"], bruker_id=bruker["per"], tjenestetype=PB, vedtak_id=ids["v_per"],
        fom=d("2026-02-02")), sb["sagene"]))
    h.ved("2026-01-22 14:06", lambda: app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=ids["l_per"], kanal=Kanal.HENVENDELSE, varslet_tid=_t("2026-01-22", "14:05")),
        sb["sagene"]))
    h.ved("2026-02-03 13:30", lambda: app.start_leveranse(k.StartLeveranse(
        leveranse_id=ids["l_per"], startet_tid=_t("2026-02-03", "10:00")), lev["kommunal"]))
    rapporter("l_per", "2026-02-03", SISTE_BESOKSDAG, "10:00", 180, ["k-ans-7"], lev["kommunal"], hver=14)
    h.ved("2026-02-26 15:11", lambda: app.anmod_revurdering(k.AnmodRevurdering(
        revurdering_id=ids["rev_per"], vedtak_id=ids["v_per"], anmodet_tid=_t("2026-02-26", "15:10"),
        leverandor_id="kommunal", begrunnelse="Trenger også hjelp til handling"), lev["kommunal"]))
    h.ved("2026-03-03 09:21", lambda: app.besvar_revurdering(k.BesvarRevurdering(
        vedtak_id=ids["v_per"], revurdering_id=ids["rev_per"], besvart_tid=_t("2026-03-03", "09:20"),
        utfall=Utfall.ENDRET, gyldig_fra=d("2026-03-02"),
        nytt_omfang=Omfang(minutter=240, per_uker=2, innhold="Rengjøring, klesvask og handling")),
        vm["sagene"]))
    h.ved("2026-03-25 11:00", lambda: app.flytt_til_bydel(k.FlyttTilBydel(
        bruker_id=bruker["per"], til_bydel="grunerlokka", dato=d("2026-04-01")), sb["sagene"]))

    # 3. Ingrid Berg, Grünerløkka: evening home nursing by Fjordomsorg after an urgent phone notice
    #    (R12), an acute extra visit (R18a), a concern report (R21), then death (R23).
    h.ved("2026-02-02 14:40", lambda: registrer("ingrid", "12053845655", "Ingrid Berg", "grunerlokka"))
    h.ved("2026-02-02 14:42", lambda: app.velg_leverandor(k.VelgLeverandor(
        bruker_id=bruker["ingrid"], tjenestetype=HSP_KVELD, leverandor_id="fjordomsorg",
        form=Form.MUNTLIG, gyldig_fra=d("2026-02-02")), sb["grunerlokka"]))
    h.ved("2026-02-02 14:45", lambda: app.fatt_vedtak(k.FattVedtak(
        vedtak_id=ids["v_ingrid"], bruker_id=bruker["ingrid"], tjenestetype=HSP_KVELD,
        gyldig_fra=d("2026-02-02"), omfang=Omfang(minutter=7 * 30, innhold="Kveldsstell og medisiner"),
        vedtaksdato=d("2026-02-02")), vm["grunerlokka"]))
    h.ved("2026-02-02 14:50", lambda: app.bestill_leveranse(k.BestillLeveranse(
        leveranse_id=ids["l_ingrid"], bruker_id=bruker["ingrid"], tjenestetype=HSP_KVELD,
        vedtak_id=ids["v_ingrid"], fom=d("2026-02-02")), sb["grunerlokka"]))
    h.ved("2026-02-02 14:56", lambda: app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=ids["l_ingrid"], kanal=Kanal.TELEFON, hast=True,
        varslet_tid=_t("2026-02-02", "14:55")), sb["grunerlokka"]))
    h.ved("2026-02-02 16:35", lambda: app.start_leveranse(k.StartLeveranse(
        leveranse_id=ids["l_ingrid"], startet_tid=_t("2026-02-02", "16:30")), lev["fjordomsorg"]))
    rapporter("l_ingrid", "2026-02-02", "2026-02-15", "20:00", 30, ["fj-ans-1", "fj-ans-2", "fj-ans-5"],
              lev["fjordomsorg"])
    h.ved("2026-02-14 08:00", lambda: app.registrer_besok(k.RegistrerBesok(
        leveranse_id=ids["l_ingrid"], start=_t("2026-02-14", "02:10"), slutt=_t("2026-02-14", "03:05"),
        ansatt="fj-ans-2", kategori=Besokskategori.AKUTT_EKSTRA, tiltakskode="AKUTT-NATT"),
        lev["fjordomsorg"]))
    h.ved("2026-02-15 21:06", lambda: app.motta_bekymringsmelding(k.MottaBekymringsmelding(
        melding_id=ids["melding_ingrid"], leveranse_id=ids["l_ingrid"],
        mottatt_tid=_t("2026-02-15", "20:40"), fagjournal="OL-fagjournal 2291",
        videresendt_tid=_t("2026-02-15", "21:05"), beskjedjournal="OL-beskjedjournal 2292"),
        lev["fjordomsorg"]))
    h.ved("2026-02-20 11:00", lambda: app.registrer_dodsfall(k.RegistrerDodsfall(
        bruker_id=bruker["ingrid"], dodsdato=d("2026-02-19")), sb["grunerlokka"]))

    # 4. Jan Kowalski (D-nummer), Frogner: service started before the vedtak (R14); late appeal (R25).
    h.ved("2026-02-06 13:40", lambda: registrer("jan", "44035011150", "Jan Kowalski", "frogner"))
    h.ved("2026-02-06 13:50", lambda: app.bestill_leveranse(k.BestillLeveranse(
        leveranse_id=ids["l_jan"], bruker_id=bruker["jan"], tjenestetype=HSP_DAG, fom=d("2026-02-09")),
        sb["frogner"]))
    h.ved("2026-02-06 13:56", lambda: app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=ids["l_jan"], kanal=Kanal.PASIENTOVERGANG, varslet_tid=_t("2026-02-06", "13:55")),
        sb["frogner"]))
    rapporter("l_jan", "2026-02-09", SISTE_BESOKSDAG, "11:00", 20, ["k-ans-2", "k-ans-4"], lev["kommunal"])
    h.ved("2026-02-16 15:00", lambda: app.fatt_vedtak(k.FattVedtak(
        vedtak_id=ids["v_jan"], bruker_id=bruker["jan"], tjenestetype=HSP_DAG, gyldig_fra=d("2026-02-09"),
        omfang=Omfang(minutter=7 * 20, innhold="Øyedråper og tilsyn"), vedtaksdato=d("2026-02-16"),
        knytt_til_leveranse_id=ids["l_jan"]), vm["frogner"]))
    h.ved("2026-02-18 09:00", lambda: app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(
        vedtak_id=ids["v_jan"], mottatt_dato=d("2026-02-18")), sb["frogner"]))
    h.ved("2026-03-20 10:00", lambda: app.motta_klage(k.MottaKlage(
        vedtak_id=ids["v_jan"], mottatt_dato=d("2026-03-20"), gjelder="Ønsker besøk også på kvelden"),
        sb["frogner"]))

    h.spill(klokke)
    return [bruker[x] for x in ("kari", "per", "ingrid", "jan")]
