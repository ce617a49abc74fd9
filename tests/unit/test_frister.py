"""domain.frister.forpliktelser per rule id, with worked dates (no store, milliseconds).

Easter 2026 (2-6 April), 17 May 2027 on a Monday (also 2. pinsedag), the DST nights of 2026
(29 March, 25 October), a month end (31 January), Christmas 2026 (24 December is a working day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.begreper import Kanal, Tjenestetype
from domain.frister import (
    Forlengelse,
    Frist,
    Fristregler,
    Friststatus,
    Leveransefakta,
    Melding,
    Omfangsendring,
    Revurderingsfakta,
    Skyldig,
    Varsel,
    Varselgrunn,
    Vedtaksfakta,
    forpliktelser,
    status_naa,
)

OSLO = ZoneInfo("Europe/Oslo")
HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG
PB = Tjenestetype.PRAKTISK_BISTAND
STANDARD = Fristregler()


def oslo(*a: int, fold: int = 0) -> datetime:
    return datetime(*a, tzinfo=OSLO).replace(fold=fold)  # type: ignore[misc]


def lev(fom: date, *, tjenestetype: Tjenestetype = HSP, varsler: tuple[Varsel, ...] = (),
        startet: datetime | None = None, tom: date | None = None, vedtak_id: str | None = "v1",
        meldinger: tuple[Melding, ...] = ()) -> Leveransefakta:
    return Leveransefakta("l1", "b1", tjenestetype, "2care", vedtak_id, fom, tom, startet,
                          varsler, meldinger)


def vedtak(**kw: object) -> Vedtaksfakta:
    grunn: dict[str, object] = {"vedtak_id": "v1", "bruker_id": "b1", "tjenestetype": HSP,
                                "gyldig_til_fattet": None}
    return Vedtaksfakta(**{**grunn, **kw})  # type: ignore[arg-type]


def en(plikter: list, plikt: str):  # type: ignore[no-untyped-def]
    treff = [x for x in plikter if x.plikt == plikt]
    assert len(treff) == 1, plikter
    return treff[0]


# --- Frist: the one definition of "passed" ---------------------------------------------------


def test_frist_inklusiv_eksklusiv_og_dato() -> None:
    inkl = Frist(tidspunkt=oslo(2026, 4, 1, 14, 0))
    assert inkl.overholdt_av(oslo(2026, 4, 1, 14, 0))
    assert inkl.passert(oslo(2026, 4, 1, 14, 0) + timedelta(microseconds=1))
    eks = Frist(tidspunkt=oslo(2026, 4, 8, 0, 0), inklusiv=False)
    assert eks.passert(oslo(2026, 4, 8, 0, 0))
    assert not eks.passert(oslo(2026, 4, 7, 23, 59, 59))
    paa_dato = Frist(dato=date(2026, 2, 1))
    assert paa_dato.overholdt_av(oslo(2026, 2, 1, 23, 59))
    assert paa_dato.passert(oslo(2026, 2, 2, 0, 0))
    assert paa_dato.grense == oslo(2026, 2, 2, 0, 0)


def test_frist_passert_i_hoestnatten_regnes_i_faktisk_tid() -> None:
    """DST 25 October 2026: 02:40 CEST is before 02:20 CET in real time (wall clock says not)."""
    frist = Frist(tidspunkt=oslo(2026, 10, 25, 2, 20, fold=1))
    assert not frist.passert(oslo(2026, 10, 25, 2, 40, fold=0))
    assert frist.passert(oslo(2026, 10, 25, 2, 21, fold=1))


# --- R11 -------------------------------------------------------------------------------------


def test_r11_start_over_paasken() -> None:
    """R11: start Tuesday 7 April 2026 -> notice by Wednesday 1 April 14:00 (inclusive)."""
    i_tide = forpliktelser([lev(date(2026, 4, 7), varsler=(
        Varsel(Kanal.PASIENTOVERGANG, oslo(2026, 4, 1, 14, 0)),))], [], STANDARD, None)
    x = en(i_tide, "varsel_pasientovergang")
    assert (x.regel, x.skyldig, x.frist.tidspunkt, x.status) == (
        "R11", Skyldig.BYDEL, oslo(2026, 4, 1, 14, 0), Friststatus.OVERHOLDT)
    sent = forpliktelser([lev(date(2026, 4, 7), varsler=(
        Varsel(Kanal.PASIENTOVERGANG, oslo(2026, 4, 6, 10, 0)),))], [], STANDARD, None)
    assert en(sent, "varsel_pasientovergang").status is Friststatus.BRUTT


def test_r11_start_uten_varsel_er_brudd_selv_om_tjenesten_startet() -> None:
    """R11: a start with no notice ever recorded is the bydel's breach once the deadline passed
    (the klagesak used to treat the start as closing R11)."""
    plikter = forpliktelser([lev(date(2026, 4, 7), startet=oslo(2026, 4, 7, 8, 0))], [],
                            STANDARD, oslo(2026, 4, 7, 9, 0))
    x = en(plikter, "varsel_pasientovergang")
    assert (x.status, x.oppfylt) == (Friststatus.BRUTT, None)
    assert en(forpliktelser([lev(date(2026, 4, 7))], [], STANDARD, oslo(2026, 4, 1, 14, 0)),
              "varsel_pasientovergang").status is Friststatus.APEN


def _utvidelse_fra(fra: date, varsler: tuple[Varsel, ...]) -> list:  # type: ignore[type-arg]
    v = vedtak(omfang=(Omfangsendring(1, date(2027, 3, 1), 420, 1, oslo(2027, 2, 20, 9, 0)),
                       Omfangsendring(3, fra, 600, 1, oslo(2027, 5, 10, 9, 0))))
    lv = lev(date(2027, 3, 1), varsler=(Varsel(Kanal.PASIENTOVERGANG, oslo(2027, 2, 25, 9, 0)),
                                        *varsler))
    return [x for x in forpliktelser([lv], [v], STANDARD, oslo(2027, 5, 20, 12, 0))
            if x.plikt == "varsel_utvidelse"]


def test_r11_utvidelse_varsles_kl_14_virkedagen_for_over_17_mai_paa_en_mandag() -> None:
    """R11 (seed 003: "Det samme gjelder varsel om utvidelse av vedtaket"): more minutes from
    Tuesday 18 May 2027; Monday 17 May is both Grunnlovsdag and 2. pinsedag, so the notice is
    due Friday 14 May 14:00. A notice naming the expansion, given before it was recorded,
    counts."""
    [x] = _utvidelse_fra(date(2027, 5, 18), (Varsel(
        Kanal.PASIENTOVERGANG, oslo(2027, 5, 7, 10, 0), gjelder=Varselgrunn.UTVIDELSE,
        gjelder_fra=date(2027, 5, 18)),))
    assert (x.regel, x.frist.tidspunkt, x.status, x.skyldig, x.leverandor_id) == (
        "R11", oslo(2027, 5, 14, 14, 0), Friststatus.OVERHOLDT, Skyldig.BYDEL, "2care")
    [uten] = _utvidelse_fra(date(2027, 5, 18), ())
    assert (uten.status, uten.oppfylt) == (Friststatus.BRUTT, None)
    [annen] = _utvidelse_fra(date(2027, 5, 18), (Varsel(  # names another change: no
        Kanal.PASIENTOVERGANG, oslo(2027, 5, 7, 10, 0), gjelder=Varselgrunn.UTVIDELSE,
        gjelder_fra=date(2027, 6, 1)),))
    assert annen.status is Friststatus.BRUTT


def test_r11_nytt_vedtak_paa_loepende_tjeneste_er_en_utvidelse() -> None:
    """R11 (seed 003: "Det samme gjelder varsel om utvidelse av vedtaket på eksisterende
    brukere"): a new vedtak of the same tjenestetype from Tuesday 18 May 2027, while the delivery
    under the first vedtak runs, owes the running provider a notice by Friday 14 May 14:00
    (Monday 17 May is a holiday); a notice naming it as an expansion from that day counts."""
    forste = vedtak(omfang=(Omfangsendring(1, date(2027, 3, 1), 420, 1, oslo(2027, 2, 20, 9, 0)),))
    nytt = vedtak(vedtak_id="v2", omfang=(
        Omfangsendring(1, date(2027, 5, 18), 300, 1, oslo(2027, 5, 10, 9, 0)),))

    def utvidelse(*varsler: Varsel) -> list:  # type: ignore[type-arg]
        lv = lev(date(2027, 3, 1), varsler=(
            Varsel(Kanal.PASIENTOVERGANG, oslo(2027, 2, 25, 9, 0)), *varsler))
        return [x for x in forpliktelser([lv], [forste, nytt], STANDARD, oslo(2027, 5, 20, 12, 0))
                if x.plikt == "varsel_utvidelse"]

    [uten] = utvidelse()
    assert (uten.regel, uten.skyldig, uten.kilde_id, uten.leverandor_id, uten.frist.tidspunkt,
            uten.status, uten.oppfylt) == ("R11", Skyldig.BYDEL, "v2", "2care",
                                           oslo(2027, 5, 14, 14, 0), Friststatus.BRUTT, None)
    assert uten.utlost_av == "nytt vedtak på løpende tjeneste fra 2027-05-18"
    [i_tide] = utvidelse(Varsel(Kanal.PASIENTOVERGANG, oslo(2027, 5, 14, 13, 0),
                                gjelder=Varselgrunn.UTVIDELSE, gjelder_fra=date(2027, 5, 18)))
    assert (i_tide.status, i_tide.oppfylt) == (Friststatus.OVERHOLDT, oslo(2027, 5, 14, 13, 0))
    [sent] = utvidelse(Varsel(Kanal.PASIENTOVERGANG, oslo(2027, 5, 14, 14, 1),
                              gjelder=Varselgrunn.UTVIDELSE, gjelder_fra=date(2027, 5, 18)))
    assert sent.status is Friststatus.BRUTT


def test_r11_nytt_vedtak_uten_loepende_tjeneste_gir_ingen_utvidelse() -> None:
    """Not an expansion: the delivery ended before the new vedtak takes effect, begins the same
    day (a start, notified as such), is of another tjenestetype, or another user's."""
    nytt = vedtak(vedtak_id="v2", omfang=(
        Omfangsendring(1, date(2027, 5, 18), 300, 1, oslo(2027, 5, 10, 9, 0)),))
    for lv in (lev(date(2027, 3, 1), tom=date(2027, 5, 17)), lev(date(2027, 5, 18)),
               lev(date(2027, 3, 1), tjenestetype=Tjenestetype.HJEMMESYKEPLEIE_NATT),
               Leveransefakta("l9", "b2", HSP, "2care", None, date(2027, 3, 1), None)):
        assert [x for x in forpliktelser([lv], [nytt], STANDARD, None)
                if x.plikt == "varsel_utvidelse"] == [], lv


def test_r11_mindre_omfang_er_ingen_utvidelse() -> None:
    v = vedtak(omfang=(Omfangsendring(1, date(2027, 3, 1), 420, 1, oslo(2027, 2, 20, 9, 0)),
                       Omfangsendring(3, date(2027, 5, 18), 840, 3, oslo(2027, 5, 10, 9, 0))))
    plikter = forpliktelser([lev(date(2027, 3, 1))], [v], STANDARD, None)
    assert [x.plikt for x in plikter] == ["varsel_pasientovergang"]


def test_r11_forlengelse_og_gammelt_varsel_uten_grunn() -> None:
    """R11: an extension from Friday 1 May 2026 (a holiday) is due Thursday 30 April 14:00; a
    notice stored before notices said what they were about counts from the day the extension
    was recorded (the old rule, for old facts)."""
    v = vedtak(gyldig_til_fattet=date(2026, 4, 30),
               forlengelser=(Forlengelse(2, date(2026, 10, 31), oslo(2026, 4, 27, 10, 0)),))
    lv = lev(date(2026, 3, 2), tom=date(2026, 10, 31), varsler=(
        Varsel(Kanal.PASIENTOVERGANG, oslo(2026, 2, 25, 9, 0), gjelder=Varselgrunn.IKKE_OPPGITT),
        Varsel(Kanal.PASIENTOVERGANG, oslo(2026, 4, 28, 9, 0), gjelder=Varselgrunn.IKKE_OPPGITT)))
    x = en(forpliktelser([lv], [v], STANDARD, None), "varsel_forlengelse")
    assert (x.frist.tidspunkt, x.oppfylt, x.status) == (
        oslo(2026, 4, 30, 14, 0), oslo(2026, 4, 28, 9, 0), Friststatus.OVERHOLDT)


# --- R12 -------------------------------------------------------------------------------------


def _r12(varslet: datetime, startet: datetime | None = None,
         regler: Fristregler = STANDARD) -> list:  # type: ignore[type-arg]
    return forpliktelser([lev(kalender_dato(varslet), startet=startet, varsler=(
        Varsel(Kanal.TELEFON, varslet, hast=True),))], [], regler, None)


def kalender_dato(t: datetime) -> date:
    return t.astimezone(OSLO).date()


def test_r12_sent_telefonvarsel_er_bare_bydelens_brudd() -> None:
    """R12: a telephone notice at 15:31 on a Tuesday: the bydel's breach; the provider has no
    2-hour deadline (not applicable), even though it started 3 hours later."""
    plikter = _r12(oslo(2026, 3, 3, 15, 31), startet=oslo(2026, 3, 3, 18, 40))
    tlf, start = en(plikter, "telefonvarsel"), en(plikter, "oppstart_2t")
    assert (tlf.status, tlf.skyldig, tlf.merknad) == (Friststatus.BRUTT, Skyldig.BYDEL,
                                                      "etter kl. 15:30")
    assert (start.status, start.skyldig) == (Friststatus.IKKE_AKTUELL, Skyldig.LEVERANDOR)
    assert not [x for x in plikter if x.regel == "R11"]


def test_r12_telefonvarsel_paa_kristi_himmelfartsdag_gir_ingen_leverandorfrist() -> None:
    plikter = _r12(oslo(2026, 5, 14, 10, 0))
    assert en(plikter, "telefonvarsel").merknad == "ikke hverdag (Kristi himmelfartsdag)"
    assert en(plikter, "oppstart_2t").status is Friststatus.IKKE_AKTUELL
    flagg = _r12(oslo(2026, 5, 14, 10, 0), regler=Fristregler(r12_helligdag_teller_som_hverdag=True))
    assert en(flagg, "oppstart_2t").status is Friststatus.APEN


def test_r12_i_tide_gir_to_timer() -> None:
    """R12: 15:30:00 is in time; the provider then starts by 17:30 (inclusive)."""
    plikter = _r12(oslo(2026, 3, 3, 15, 30), startet=oslo(2026, 3, 3, 17, 30))
    start = en(plikter, "oppstart_2t")
    assert (start.frist.tidspunkt, start.status) == (oslo(2026, 3, 3, 17, 30), Friststatus.OVERHOLDT)
    assert en(_r12(oslo(2026, 3, 3, 15, 30), startet=oslo(2026, 3, 3, 17, 31)),
              "oppstart_2t").status is Friststatus.BRUTT


# --- R13 -------------------------------------------------------------------------------------


def test_r13_fjorten_dager_fra_oslo_datoen_over_maanedsskiftet() -> None:
    """R13: a Henvendelse at 00:30 Oslo on 1 February 2026 (23:30 UTC on 31 January) -> start by
    15 February; a UTC date would say the 14th."""
    varslet = datetime(2026, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    ok = forpliktelser([lev(date(2026, 2, 3), tjenestetype=PB, startet=oslo(2026, 2, 15, 23, 0),
                            varsler=(Varsel(Kanal.HENVENDELSE, varslet),))], [], STANDARD, None)
    x = en(ok, "oppstart_14d")
    assert (x.frist.dato, x.status, x.skyldig) == (date(2026, 2, 15), Friststatus.OVERHOLDT,
                                                   Skyldig.LEVERANDOR)
    assert forpliktelser([lev(date(2026, 2, 3), tjenestetype=PB)], [], STANDARD, None) == []


# --- R16 -------------------------------------------------------------------------------------


def test_r16_svar_neste_virkedag_over_jul() -> None:
    """R16: a request on Christmas Eve 2026 (a working day) -> next working day Monday 28
    December; the answer is in time before 00:00 on the 29th (exclusive)."""
    def svar(besvart: datetime | None, naa: datetime | None = None) -> Friststatus:
        v = vedtak(revurderinger=(Revurderingsfakta("r1", "2care", oslo(2026, 12, 24, 11, 0),
                                                    besvart),))
        return en(forpliktelser([], [v], STANDARD, naa), "svar_revurdering").status

    assert svar(oslo(2026, 12, 28, 23, 59, 59)) is Friststatus.OVERHOLDT
    assert svar(oslo(2026, 12, 29, 0, 0)) is Friststatus.BRUTT
    assert svar(None, oslo(2026, 12, 28, 23, 0)) is Friststatus.APEN
    assert svar(None, oslo(2026, 12, 29, 0, 0)) is Friststatus.BRUTT


# --- R21 -------------------------------------------------------------------------------------


def test_r21_videresending_i_hoestnatten_med_ikke_standard_terskel() -> None:
    """R21: received 01:50 CEST on 25 October 2026, forwarded 02:45 CET (115 real minutes):
    late with the standard hour, in time with a 120-minute threshold."""
    m = (Melding("m1", oslo(2026, 10, 25, 1, 50), oslo(2026, 10, 25, 2, 45, fold=1)),)
    standard = en(forpliktelser([lev(date(2026, 10, 1), meldinger=m)], [], STANDARD, None),
                  "videresending")
    assert (standard.status, standard.skyldig) == (Friststatus.BRUTT, Skyldig.LEVERANDOR)
    lang = en(forpliktelser([lev(date(2026, 10, 1), meldinger=m)], [],
                            Fristregler(r21_terskel=timedelta(minutes=120)), None),
              "videresending")
    assert lang.status is Friststatus.OVERHOLDT


# --- R25 -------------------------------------------------------------------------------------


def test_r25_klagefrist_etter_paasken_og_uten_forlengelse() -> None:
    """R25: received 6 March 2026 + 28 days = Good Friday 3 April -> Tuesday 7 April; with
    ``r25_forleng_til_virkedag = false`` the deadline stays 3 April and the 7th is late."""
    v = vedtak(mottatt_dato=date(2026, 3, 6), klager=(date(2026, 4, 7),))
    x = en(forpliktelser([], [v], STANDARD, None), "klagefrist")
    assert (x.frist.dato, x.status, x.skyldig) == (date(2026, 4, 7), Friststatus.OVERHOLDT,
                                                   Skyldig.BRUKER)
    uten = en(forpliktelser([], [v], Fristregler(r25_forleng_til_virkedag=False), None),
              "klagefrist")
    assert (uten.frist.dato, uten.status) == (date(2026, 4, 3), Friststatus.BRUTT)
    ingen = vedtak(mottatt_dato=date(2026, 3, 6))
    assert en(forpliktelser([], [ingen], STANDARD, oslo(2026, 4, 8, 0, 0)),
              "klagefrist").status is Friststatus.UTLOPT


def test_status_naa_leser_bare_en_aapen_frist() -> None:
    frist = Frist(dato=date(2026, 4, 7))
    assert status_naa("R25", Friststatus.APEN, frist, oslo(2026, 4, 8, 0, 0)) is Friststatus.UTLOPT
    assert status_naa("R13", Friststatus.APEN, frist, oslo(2026, 4, 8, 0, 0)) is Friststatus.BRUTT
    assert status_naa("R13", Friststatus.OVERHOLDT, frist, oslo(2026, 4, 9)) is Friststatus.OVERHOLDT


def test_annullert_leveranse_gir_ingen_forpliktelse() -> None:
    assert forpliktelser([lev(date(2026, 4, 7), tom=date(2026, 4, 6))], [], STANDARD, None) == []


def test_fristregler_fra_toml_avviser_feil_verdi() -> None:
    assert Fristregler.fra_toml({"r21_terskel_minutter": 90}).r21_terskel == timedelta(minutes=90)
    with pytest.raises(ValueError, match="r21_terskel_minutter"):
        Fristregler.fra_toml({"r21_terskel_minutter": -1})
    with pytest.raises(ValueError, match="r25_forleng_til_virkedag"):
        Fristregler.fra_toml({"r25_forleng_til_virkedag": "ja"})


def test_forfall_i_timer_og_virkedager_over_jul() -> None:
    """The worklist's "due within": from Wednesday 23 December 2026 12:00 to Monday 28 December
    (R16 deadline 00:00 on the 29th, exclusive) is 2 working days (24th and 28th)."""
    from domain.frister import forfall

    frist = Frist(tidspunkt=oslo(2026, 12, 29, 0, 0), inklusiv=False)
    f = forfall(frist, oslo(2026, 12, 23, 12, 0))
    assert (f.forfalt, f.virkedager, f.tekst()) == (False, 2, "innen 2 virkedager")
    assert forfall(frist, oslo(2026, 12, 28, 21, 30)).tekst() == "innen 2 timer"
    assert forfall(frist, oslo(2026, 12, 29, 0, 0)).tekst() == "forfalt"


def test_en_periode_aktiv_paa_en_dato_avgjores_ett_sted() -> None:
    """One answer to "does the delivery run on this date" (domain.begreper.aktiv_paa), used by the
    obligations, the current provider (R03), payment (R18, R17) and the vedtak's validity: the
    last day counts, an open end runs on, and one annulled before it began runs on no date."""
    from domain.begreper import aktiv_paa, annullert

    assert aktiv_paa(date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 31))
    assert not aktiv_paa(date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 1))
    assert aktiv_paa(date(2026, 3, 1), None, date(2099, 1, 1))
    assert annullert(date(2026, 3, 15), date(2026, 3, 14))
    assert not any(aktiv_paa(date(2026, 3, 15), date(2026, 3, 14), date(2026, 3, d))
                   for d in range(1, 32))
    assert lev(date(2026, 3, 15), tom=date(2026, 3, 14)).aktiv_paa(date(2026, 3, 14)) is False
