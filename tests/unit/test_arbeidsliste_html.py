"""What a person reads on the worklist page is in Oslo time (interfaces.norsk), also across the
DST changes of 2026 (29 March: 02:00 CET -> 03:00 CEST; 25 October: 03:00 CEST -> 02:00 CET).

Each case is chosen so that reading the instant in UTC, or in the offset of the page's own
clock, gives another hour."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain.frister import Frist
from interfaces import norsk
from interfaces.arbeidsliste_html import arbeidsliste_html, frist_tekst
from projections.arbeidsliste import Arbeidsliste, Oppgave

OSLO = ZoneInfo("Europe/Oslo")


def oppgave(frist: str, utlost_av: str, inklusiv: bool = True) -> Oppgave:
    return Oppgave("R11:l1", "R11", "varsel_pasientovergang", "bydel", utlost_av, "b1", "2care",
                   "hjemmesykepleie_dag", "frogner", frist, "apen", False, 76, 1,
                   "innen 1 virkedag", "", inklusiv)


def test_siden_viser_frister_og_utloest_av_i_oslo_tid_over_vaarens_sommertid() -> None:
    """The page is made Friday 27 March 2026 10:00 CET (given as 09:00 UTC); the R11 deadline
    is Monday 30 March 14:00 CEST, after the change (stored as 12:00 UTC); what triggered it is
    a notice at 27 March 08:30 CET written in UTC. Reading in UTC would show 09:00 / 12:00 /
    07:30; in the page clock's +01:00, 13:00 for the deadline."""
    naa = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    x = oppgave("2026-03-30T12:00:00+00:00", "telefonvarsel 2026-03-27T07:30:00+00:00, "
                "oppstart 2026-03-31")
    side = arbeidsliste_html("Arbeidsliste for bydel frogner", Arbeidsliste(1, 0, [x]), naa)
    assert "Per fredag 27. mars 2026 kl. 10:00 (Oslo-tid)" in side
    assert "<td>mandag 30. mars 2026 kl. 14:00</td>" in side
    assert "telefonvarsel 27.03.2026 08:30, oppstart 31.03.2026" in side


def test_frist_i_hoestens_dobbelte_time_og_eksklusiv_midnatt() -> None:
    """25 October 2026: 02:30 occurs twice; the second (CET, 01:30 UTC) reads 02:30 — not
    03:30 as the first's +02:00 would make it. An exclusive deadline at midnight (R16) reads
    "før"; a date deadline "innen utgangen av"."""
    andre = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert norsk.tidspunkt_lang(andre) == "søndag 25. oktober 2026 kl. 02:30"
    assert norsk.med_oslo_tider("mottatt 2026-10-25T01:30:00+00:00") == "mottatt 25.10.2026 02:30"
    assert frist_tekst(Frist(tidspunkt=datetime(2026, 10, 27, 0, 0, tzinfo=OSLO),
                             inklusiv=False)) == "før tirsdag 27. oktober 2026 kl. 00:00"
    assert frist_tekst(Frist.fra_tekst("2026-11-02", True)) == \
        "innen utgangen av mandag 2. november 2026"


def test_tekst_uten_tider_og_noe_som_bare_ligner_er_uendret() -> None:
    assert norsk.med_oslo_tider("oppstart uten dato") == "oppstart uten dato"
    assert norsk.med_oslo_tider("saksnr 2026-13-45") == "saksnr 2026-13-45"
