"""The hostile-input catalogue (issue 14): one row per bad input, across every endpoint that
takes input and the CSV files (the time report, the invoice basis).

Each row is a request that must be refused: no 5xx, a 4xx in problem-details form that names
the field (``felt``, exact when the row says which), and no fact stored. A time report is the
one exception to "refused as a whole": a file it can read is answered 200 with a receipt per
line, so a row marked ``linjer`` expects every line rejected, each naming its field.

Paths and bodies may hold ``{bruker}``, ``{vedtak}``, ``{leveranse}``, ``{annen_bruker}``,
``{annen_vedtak}``, ``{annen_leveranse}`` (Sagene's case, served by Nordlys) and ``{valg}``:
the seeded ids, filled in per store (``conftest.fyll``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.conftest import FNR
from tests.fiendtlig.conftest import tid

INGEN: Any = object()
"""No JSON body."""
UTEN: Any = object()
"""In ``med``: leave the key out."""
FREMMED = "0b8f2c1e-5d7a-4e7b-9a51-3f6f0d1c2b4a"
"""An id nobody has."""


@dataclass(frozen=True)
class Ond:
    navn: str
    rolle: str
    metode: str
    sti: str
    json: Any = INGEN
    innhold: bytes | None = None
    type: str | None = None
    hoder: dict[str, str] = field(default_factory=dict)
    status: tuple[int, ...] = (400,)
    felt: str | None = None
    linjer: bool = False


def med(grunn: dict[str, Any], **over: Any) -> dict[str, Any]:
    ut = {**grunn, **over}
    return {k: v for k, v in ut.items() if v is not UTEN}


# --- valid bodies, each broken in one place below ----------------------------------------------

BRUKER = {"fodselsnummer": FNR[2], "navn": "Ola Hansen", "bydel": "frogner"}
VALG = {"tjenestetype": "praktisk_bistand", "leverandor_id": "2care", "form": "muntlig",
        "gyldig_fra": "2026-03-02"}
KORREKSJON = {"leverandor_id": "2care", "form": "muntlig", "gyldig_fra": "2026-02-16",
              "begrunnelse": "feil leverandør"}
BYTT = {"tjenestetype": "praktisk_bistand", "til_leverandor_id": "nordlys", "form": "muntlig",
        "oppsigelsesdato": "2026-03-05"}
INFORMASJON = {"gitt_tid": tid(), "gitt_av": "sb-frogner-1", "gitt_til": "bruker"}
HUSSTAND = {"nettoinntekt": "285000.00", "gyldig_fra": "2026-01-01"}
VEDTAK = {"tjenestetype": "hjemmesykepleie_dag", "gyldig_fra": "2026-03-01",
          "gyldig_til": "2026-12-31", "omfang": {"minutter": 120, "innhold": "stell"},
          "vedtaksdato": "2026-02-20"}
LEVERANSE = {"tjenestetype": "praktisk_bistand", "vedtak_id": "{vedtak}", "fom": "2026-03-01"}
KLAGE = {"mottatt_dato": "2026-03-01", "gjelder": "omfanget"}
REVURDERING = {"anmodet_tid": tid(), "begrunnelse": "mer hjelp etter fall"}
BESOK = {"start": tid(1), "slutt": tid(1, 10), "ansatt": "a1"}
AVBESTILLING = {"planlagt_start": tid(3), "planlagt_slutt": tid(3, 10),
                "avbestilt_tid": tid(1), "journalreferanse": "OL-7"}
BEKYMRING = {"mottatt_tid": tid(), "fagjournal": "FJ-1"}
AVVIK = {"type": "avvik", "mottatt_tid": tid(), "beskrivelse": "glemt nøkkel"}
VARSEL = {"kanal": "henvendelse", "varslet_tid": tid()}
AVSLUTNING = {"sluttdato": "2026-03-31", "arsak": "behov_opphort"}

B = "/brukere/{bruker}"
V = "/vedtak/{vedtak}"
L = "/leveranser/{leveranse}"
HODE = "type;bruker;tjenestetype;start;slutt;ansatt;kategori;tiltakskode;avbestilt_tid;" \
       "journalreferanse"
GOD_LINJE = f"besok;{{bruker}};praktisk_bistand;{tid(2)};{tid(2, 10)};a1;;;;"
KRAV_HODE = "bruker;tjenestetype;timer;belop"


def rapport(*linjer: str, slutt: str = "\n") -> bytes:
    return (slutt.join([HODE, *linjer]) + slutt).encode()


def _tekst(felt: str, rolle: str, sti: str, grunn: dict[str, Any]) -> list[Ond]:
    """BV6 on one text field: controls, unicode oddities, length."""
    verdier = {"nul": "a\x00b", "cr": "a\rb", "lf": "a\nb", "tab": "a\tb", "esc": "a\x1bb",
               "del": "a\x7fb", "c1": "a\x85b", "rlo": "a\u202eb", "lri": "a\u2066b",
               "ls": "a\u2028b", "bom": "\ufeffab", "zwsp": "a\u200bb", "rlm": "a\u200fb",
               "ikketegn": "a\uffffb"}
    return [Ond(f"{felt}-{n}", rolle, "POST", sti, med(grunn, **{felt: v}), felt=felt)
            for n, v in verdier.items()]


def _flerlinje(felt: str, rolle: str, sti: str, grunn: dict[str, Any]) -> list[Ond]:
    verdier = {"nul": "a\x00b", "cr": "a\rb", "vt": "a\x0bb", "rlo": "a\u202eb",
               "bom": "a\ufeffb", "lang": "x" * 4001}
    return [Ond(f"{felt}-{n}", rolle, "POST", sti, med(grunn, **{felt: v}), felt=felt)
            for n, v in verdier.items()]


def _datoer(felt: str, rolle: str, sti: str, grunn: dict[str, Any], *,
            tidspunkt: bool) -> list[Ond]:
    """Strict types: only ISO text is a date or an instant."""
    verdier: dict[str, Any] = {"heltall": 1793610000, "null-tall": 0, "flyt": 1.5, "bool": True,
                               "liste": ["2026-03-02"], "objekt": {"dato": "2026-03-02"},
                               "tom": "", "norsk": "02.03.2026", "30feb": "2026-02-30",
                               "aar1899": "1899-12-31", "aar2200": "2200-01-01",
                               "utvidet-aar": "+02026-03-02", "fullbredde": "２０２６-03-02"}
    if tidspunkt:
        verdier |= {"naiv": "2026-03-02T09:00:00", "bare-dato": "2026-03-02",
                    "sone-25t": "2026-03-02T09:00:00+25:00", "time-25": "2026-03-02T25:00:00Z"}
    else:
        verdier |= {"med-tid": "2026-03-02T00:00:00+01:00", "uten-null": "2026-3-2"}
    return [Ond(f"{felt}-{n}", rolle, "POST", sti, med(grunn, **{felt: v}), felt=felt)
            for n, v in verdier.items()]


def _json_rot(prefiks: str, rolle: str, sti: str) -> list[Ond]:
    """The body itself: not JSON, the wrong JSON, nested, huge."""
    json_type = "application/json"
    return [Ond(f"{prefiks}-{n}", rolle, "POST", sti, innhold=b, type=json_type, felt="body",
                status=s) for n, b, s in [
        ("dyp-liste", b"[" * 1000 + b"]" * 1000, (400,)),
        ("dyp-objekt", b'{"a":' * 5000 + b"1" + b"}" * 5000, (400,)),
        ("dyp-100k", b"[" * 100_000, (400,)),
        ("ugyldig", b"{bad", (400,)),
        ("tom", b"", (400,)),
        ("null", b"null", (400,)),
        ("liste", b"[]", (400,)),
        ("tall", b"1", (400,)),
        ("nan", b'{"a": NaN}', (400,)),
        ("hale", b'{}x', (400,)),
        ("latin1", '{"navn": "Bjørn"}'.encode("latin-1"), (400,)),
        ("utf16", '{"navn": "a"}'.encode("utf-16"), (400,)),
        ("3mb", b"[" + b" " * 3_000_000 + b"]", (413,)),
    ]]


KATALOG: list[Ond] = [
    # --- brukere: text, the fødselsnummer, the bydel ---------------------------------------------
    *_tekst("navn", "sb", "/brukere", BRUKER),
    Ond("navn-surrogat", "sb", "POST", "/brukere", innhold=b'{"fodselsnummer": "%s", '
        b'"navn": "a\\ud800b", "bydel": "frogner"}' % FNR[2].encode(), type="application/json",
        felt="body"),
    Ond("navn-201", "sb", "POST", "/brukere", med(BRUKER, navn="x" * 201), felt="navn"),
    Ond("navn-tom", "sb", "POST", "/brukere", med(BRUKER, navn=""), felt="navn"),
    Ond("navn-tall", "sb", "POST", "/brukere", med(BRUKER, navn=42), felt="navn"),
    Ond("navn-null", "sb", "POST", "/brukere", med(BRUKER, navn=None), felt="navn"),
    Ond("navn-mangler", "sb", "POST", "/brukere", med(BRUKER, navn=UTEN), felt="navn"),
    Ond("fnr-fullbredde", "sb", "POST", "/brukere",
        med(BRUKER, fodselsnummer="１５１０８６９５０８８"), felt="fodselsnummer"),
    Ond("fnr-arabisk", "sb", "POST", "/brukere",
        med(BRUKER, fodselsnummer="١٥١٠٨٦٩٥٠٨٨"), felt="fodselsnummer"),
    Ond("fnr-lf", "sb", "POST", "/brukere", med(BRUKER, fodselsnummer=FNR[2] + "\n"),
        felt="fodselsnummer"),
    Ond("fnr-tall", "sb", "POST", "/brukere", med(BRUKER, fodselsnummer=int(FNR[2])),
        felt="fodselsnummer"),
    Ond("fnr-kontrollsiffer", "sb", "POST", "/brukere",
        med(BRUKER, fodselsnummer=FNR[2][:-1] + "0"), status=(422,), felt="fodselsnummer"),
    Ond("bydel-stor", "sb", "POST", "/brukere", med(BRUKER, bydel="Frogner"), felt="bydel"),
    Ond("bydel-zwsp", "sb", "POST", "/brukere", med(BRUKER, bydel="frogner\u200b"),
        felt="bydel"),
    Ond("bydel-fremmed", "sb", "POST", "/brukere", med(BRUKER, bydel="sagene"),
        status=(403, 404, 422), felt="bydel"),
    Ond("ukjent-felt", "sb", "POST", "/brukere", med(BRUKER, admin=True), felt="admin"),
    Ond("sok-nul", "sb", "POST", "/brukere/sok", {"fodselsnummer": "1510869\x005088"},
        felt="fodselsnummer"),
    *_json_rot("bruker-body", "sb", "/brukere"),

    # --- valg, korreksjon, bytte, information, income --------------------------------------------
    *_datoer("gyldig_fra", "sb", f"{B}/valg", VALG, tidspunkt=False),
    Ond("valg-tjenestetype-stor", "sb", "POST", f"{B}/valg",
        med(VALG, tjenestetype="PRAKTISK_BISTAND"), felt="tjenestetype"),
    Ond("valg-tjenestetype-null", "sb", "POST", f"{B}/valg", med(VALG, tjenestetype=None),
        felt="tjenestetype"),
    Ond("valg-leverandor-rlo", "sb", "POST", f"{B}/valg",
        med(VALG, leverandor_id="2car\u202ee"), felt="leverandor_id"),
    Ond("valg-leverandor-ukjent", "sb", "POST", f"{B}/valg",
        med(VALG, leverandor_id="finnesikke"), status=(404, 422), felt="leverandor_id"),
    Ond("valg-form-liste", "sb", "POST", f"{B}/valg", med(VALG, form=["muntlig"]), felt="form"),
    Ond("valg-fremmed-bruker", "sb", "POST", "/brukere/{annen_bruker}/valg", VALG,
        status=(404,), felt="bruker_id"),
    Ond("valg-ukjent-bruker", "sb", "POST", f"/brukere/{FREMMED}/valg", VALG, status=(404,),
        felt="bruker_id"),
    Ond("valg-ikke-uuid", "sb", "POST", "/brukere/ikke-en-uuid/valg", VALG, status=(404,),
        felt="sti"),
    *_flerlinje("begrunnelse", "sb", B + "/valg/{valg}/korreksjon", KORREKSJON),
    Ond("korreksjon-ukjent-valg", "sb", "POST", f"{B}/valg/{FREMMED}/korreksjon", KORREKSJON,
        status=(404, 422), felt="hendelse_id"),
    Ond("bytt-oppsigelsesdato-tall", "sb", "POST", f"{B}/bytter",
        med(BYTT, oppsigelsesdato=20260305), felt="oppsigelsesdato"),
    Ond("bytt-ny-leveranse-ikke-uuid", "sb", "POST", f"{B}/bytter",
        med(BYTT, ny_leveranse_id="x"), felt="ny_leveranse_id"),
    *_datoer("gitt_tid", "sb", f"{B}/informasjon", INFORMASJON, tidspunkt=True),
    Ond("informasjon-gitt-av-nul", "sb", "POST", f"{B}/informasjon",
        med(INFORMASJON, gitt_av="sb\x00"), felt="gitt_av"),
    *[Ond(f"inntekt-{n}", "sb", "POST", f"{B}/husstandsinntekt",
          med(HUSSTAND, nettoinntekt=v), felt="nettoinntekt") for n, v in [
        ("negativ", "-1"), ("nan", "NaN"), ("uendelig", "Infinity"), ("eksponent", "1e999"),
        ("milliard", "1000000000.00"), ("tre-desimaler", "12.345"), ("bool", True),
        ("tekst", "mye"), ("komma", "285000,00")]],
    Ond("dodsdato-naiv-tid", "sb", "POST", f"{B}/dodsfall",
        {"dodsdato": "2026-03-02T10:00:00"}, felt="dodsdato"),
    Ond("flytting-bydel-nul", "sb", "POST", f"{B}/flyttinger",
        {"til_bydel": "sagene\x00", "dato": "2026-03-10"}, felt="til_bydel"),
    Ond("utflytting-dato-null", "sb", "POST", f"{B}/utflytting", {"dato": None}, felt="dato"),

    # --- vedtak ----------------------------------------------------------------------------------
    *[Ond(f"omfang-{n}", "vm", "POST", f"{B}/vedtak",
          med(VEDTAK, omfang=v), felt=f) for n, v, f in [
        ("minutter-0", {"minutter": 0}, "omfang.minutter"),
        ("minutter-negativ", {"minutter": -1}, "omfang.minutter"),
        ("minutter-2-63", {"minutter": 2 ** 63}, "omfang.minutter"),
        ("minutter-2-64", {"minutter": 2 ** 64 + 1}, "omfang.minutter"),
        ("minutter-flyt", {"minutter": 120.5}, "omfang.minutter"),
        ("minutter-tekst", {"minutter": "120"}, "omfang.minutter"),
        ("minutter-bool", {"minutter": True}, "omfang.minutter"),
        ("per-uker-53", {"minutter": 120, "per_uker": 53}, "omfang.per_uker"),
        ("innhold-nul", {"minutter": 120, "innhold": "a\x00"}, "omfang.innhold"),
        ("dyp", {"minutter": 120, "innhold": [[[[[[[[[[[]]]]]]]]]]]}, "omfang.innhold"),
        ("liste", [120], "omfang")]],
    Ond("vedtak-gyldig-til-tall", "vm", "POST", f"{B}/vedtak", med(VEDTAK, gyldig_til=0),
        felt="gyldig_til"),
    Ond("vedtak-knytt-fremmed", "vm", "POST", f"{B}/vedtak",
        med(VEDTAK, knytt_til_leveranse_id="{annen_leveranse}"), status=(404, 422),
        felt="knytt_til_leveranse_id"),
    Ond("vedtak-rolle-sb", "sb", "POST", f"{B}/vedtak", VEDTAK, status=(403,), felt="Authorization"),
    Ond("leveranse-fremmed-vedtak", "sb", "POST", f"{B}/leveranser",
        med(LEVERANSE, vedtak_id="{annen_vedtak}"), status=(404, 422), felt="vedtak_id"),
    Ond("leveranse-fom-tall", "sb", "POST", f"{B}/leveranser", med(LEVERANSE, fom=0), felt="fom"),
    *_flerlinje("gjelder", "sb", f"{V}/klager", KLAGE),
    Ond("klage-fremmed-vedtak", "sb", "POST", "/vedtak/{annen_vedtak}/klager", KLAGE,
        status=(404,), felt="vedtak_id"),
    Ond("revurdering-anmodet-heltall", "lev", "POST", f"{V}/revurderinger",
        med(REVURDERING, anmodet_tid=1793610000), felt="anmodet_tid"),
    Ond("forlengelse-objekt", "vm", "POST", f"{V}/forlengelser",
        {"ny_gyldig_til": {"aar": 2027}}, felt="ny_gyldig_til"),
    Ond("avslutning-arsak-nul", "vm", "POST", f"{V}/avslutning",
        {"dato": "2026-03-31", "arsak": "dodsfall\x00"}, felt="arsak"),
    Ond("mottatt-dato-bool", "sb", "POST", f"{V}/mottatt", {"mottatt_dato": False},
        felt="mottatt_dato"),

    # --- leveranser: visits, cancellations, concerns, deviations ---------------------------------
    *_tekst("ansatt", "lev", f"{L}/besok", BESOK),
    Ond("ansatt-65", "lev", "POST", f"{L}/besok", med(BESOK, ansatt="x" * 65), felt="ansatt"),
    Ond("ansatt-1mb", "lev", "POST", f"{L}/besok", med(BESOK, ansatt="x" * 900_000),
        felt="ansatt"),
    Ond("tiltakskode-cr", "lev", "POST", f"{L}/besok", med(BESOK, tiltakskode="T\r1"),
        felt="tiltakskode"),
    *_datoer("start", "lev", f"{L}/besok", BESOK, tidspunkt=True),
    Ond("besok-kategori-ukjent", "lev", "POST", f"{L}/besok", med(BESOK, kategori="gratis"),
        felt="kategori"),
    Ond("besok-id-tall", "lev", "POST", f"{L}/besok", med(BESOK, besok_id=123), felt="besok_id"),
    Ond("besok-fremmed-leveranse", "lev", "POST", "/leveranser/{annen_leveranse}/besok", BESOK,
        status=(404,), felt="leveranse_id"),
    Ond("besok-slutt-foer-start", "lev", "POST", f"{L}/besok",
        med(BESOK, slutt=tid(1, 8)), status=(422,), felt="slutt"),
    Ond("samlet-tom", "lev", "POST", f"{L}/besok/samlet", {"besok": []}, felt="besok"),
    Ond("samlet-501", "lev", "POST", f"{L}/besok/samlet", {"besok": [BESOK] * 501},
        felt="besok"),
    Ond("samlet-nul-i-linje-3", "lev", "POST", f"{L}/besok/samlet",
        {"besok": [med(BESOK, start=tid(d), slutt=tid(d, 10)) for d in (4, 5)]
         + [med(BESOK, ansatt="\x00")]}, felt="besok.2.ansatt"),
    Ond("samlet-ikke-liste", "lev", "POST", f"{L}/besok/samlet", {"besok": BESOK},
        felt="besok"),
    *_datoer("planlagt_start", "lev", f"{L}/avbestillinger", AVBESTILLING, tidspunkt=True),
    *_tekst("journalreferanse", "lev", f"{L}/avbestillinger", AVBESTILLING)[:6],
    Ond("bekymring-fagjournal-201", "lev", "POST", f"{L}/bekymringsmeldinger",
        med(BEKYMRING, fagjournal="x" * 201), felt="fagjournal"),
    *_flerlinje("beskrivelse", "sb", f"{L}/avvik", AVVIK),
    Ond("avvik-type-ukjent", "sb", "POST", f"{L}/avvik", med(AVVIK, type="klage"), felt="type"),
    Ond("avvik-behandling-ukjent", "sb", "POST", f"{L}/avvik/{FREMMED}/behandling",
        {"behandlet_tid": tid(), "konklusjon": "ok"}, status=(404, 422), felt="avvik_id"),
    Ond("varsel-hast-tekst", "sb", "POST", f"{L}/varsler", med(VARSEL, hast="ja"), felt="hast"),
    Ond("varsel-kanal-tom", "sb", "POST", f"{L}/varsler", med(VARSEL, kanal=""), felt="kanal"),
    Ond("startet-tid-naiv", "lev", "POST", f"{L}/start", {"startet_tid": "2026-02-24T09:00"},
        felt="startet_tid"),
    Ond("avslutning-sluttnotat-cr", "lev", "POST", f"{L}/avslutning",
        med(AVSLUTNING, sluttnotat="a\rb"), felt="sluttnotat"),
    *_json_rot("besok-body", "lev", f"{L}/besok")[:4],

    # --- headers ---------------------------------------------------------------------------------
    Ond("idempotens-ikke-ascii", "lev", "POST", f"{L}/besok", BESOK,
        hoder={"Idempotency-Key": "nøkkel"}, felt="Idempotency-Key"),
    Ond("idempotens-201", "lev", "POST", f"{L}/besok", BESOK,
        hoder={"Idempotency-Key": "k" * 201}, felt="Idempotency-Key"),
    Ond("idempotens-tom", "lev", "POST", f"{L}/besok", BESOK, hoder={"Idempotency-Key": ""},
        felt="Idempotency-Key"),
    Ond("if-match-gammel", "lev", "POST", f"{L}/besok", BESOK, hoder={"If-Match": '"1"'},
        status=(412,), felt="If-Match"),
    Ond("if-match-tull", "lev", "POST", f"{L}/besok", BESOK, hoder={"If-Match": "tull"},
        status=(400, 412), felt="If-Match"),
    Ond("formaal-kontroll", "sb", "GET", B, hoder={"X-Formaal": "a\x1bb"}, felt="X-Formaal"),
    Ond("formaal-201", "sb", "GET", B, hoder={"X-Formaal": "x" * 201}, felt="X-Formaal"),
    Ond("formaal-c1", "sb", "GET", B, hoder={"X-Formaal": "klage\x85sak"}, felt="X-Formaal"),
    Ond("formaal-retningsstyring-utf8", "sb", "GET", B,  # UTF-8 bytes, as a client sends them
        hoder={"X-Formaal": "klage\u202esak".encode().decode("latin-1")}, felt="X-Formaal"),
    Ond("innholdstype-xml", "lev", "POST", f"{L}/besok", innhold=b"<besok/>",
        type="application/xml", status=(400, 415), felt=None),

    # --- query and path parameters ---------------------------------------------------------------
    Ond("klagesak-naiv-per", "sb", "GET", B + "/klagesak?per=2026-11-01T10:00:00", felt="per"),
    Ond("klagesak-per-tall", "sb", "GET", B + "/klagesak?per=1793610000", felt="per"),
    Ond("klagesak-per-nul", "sb", "GET", B + "/klagesak?per=2026-11-01T10:00%00+01:00",
        felt="per"),
    Ond("klagesak-dokument-naiv", "sb", "GET", B + "/klagesak/dokument?per=2026-11-01T10:00",
        felt="per"),
    Ond("historikk-fra-negativ", "sb", "GET", B + "/historikk?fra=-1", felt="fra"),
    Ond("historikk-antall-0", "sb", "GET", B + "/historikk?antall=0", felt="antall"),
    Ond("historikk-antall-stor", "sb", "GET", B + "/historikk?antall=1000000000000",
        felt="antall"),
    Ond("historikk-fra-tekst", "sb", "GET", B + "/historikk?fra=tre", felt="fra"),
    Ond("besokliste-antall-flyt", "lev", "GET", L + "/besok?antall=1.5", felt="antall"),
    Ond("gjeldende-dato-13", "sb", "GET",
        B + "/leverandor?tjenestetype=praktisk_bistand&dato=2026-13-01", felt="dato"),
    Ond("gjeldende-tjenestetype", "sb", "GET", B + "/leverandor?tjenestetype=tannlege",
        felt="tjenestetype"),
    Ond("egenandel-maaned-13", "sb", "GET", B + "/egenandel/2026/13", felt="maaned"),
    Ond("egenandel-aar-0", "sb", "GET", B + "/egenandel/0/3", felt="aar"),
    Ond("caseload-dato-tall", "lev", "GET", "/leverandorer/2care/brukere?dato=20260302",
        felt="dato"),
    Ond("betalbare-maaned-0", "lev", "GET", "/leverandorer/2care/betalbare-timer/2026/0",
        felt="maaned"),
    Ond("betalbare-aar-stor", "lev", "GET",
        "/leverandorer/2care/betalbare-timer/99999999999999999999/3", felt="aar"),
    Ond("sla-maaned", "ko", "GET", "/sla?maaned=2026-3", felt="maaned"),
    Ond("sla-regel", "ko", "GET", "/sla?regel=X1", felt="regel"),
    Ond("sla-gruppering", "ko", "GET", "/sla?gruppering=alt", felt="gruppering"),
    Ond("arbeidsliste-frist-naiv", "sb", "GET", "/arbeidsliste?frist_foer=2026-03-02T10:00",
        felt="frist_foer"),
    Ond("arbeidsliste-bruker", "sb", "GET", "/arbeidsliste?bruker=x", felt="bruker"),
    Ond("arbeidsliste-format", "ko", "GET", "/arbeidsliste/oversikt?format=pdf", felt="format"),
    Ond("rapport-mangler-til", "ko", "GET", "/oppfolging/rapport?fra=2026-01", felt="til"),
    Ond("rapport-maaned-13", "ko", "GET", "/oppfolging/rapport?fra=2026-01&til=2026-13",
        felt="til"),
    Ond("rapport-fra-etter-til", "ko", "GET", "/oppfolging/rapport?fra=2026-03&til=2026-01",
        status=(422,), felt="til"),
    Ond("rapport-aar-0000", "ko", "GET", "/oppfolging/rapport?fra=0000-01&til=0000-01",
        felt="fra"),
    Ond("rapport-over-20-aar", "ko", "GET", "/oppfolging/rapport?fra=2107-05&til=2193-05",
        status=(422,), felt="til"),
    Ond("kontroll-aar-0000", "ko", "GET", "/oppfolging/betalingskontroll/2care/0000-01",
        felt="maaned"),
    Ond("klagesak-per-uten-sekunder", "sb", "GET",
        B + "/klagesak?per=2026-11-01T10:00%2B01:00", felt="per"),
    Ond("omfang-antall-ansatte-2-70", "vm", "POST", B + "/vedtak",
        med(VEDTAK, omfang={"minutter": 120, "antall_ansatte": 2 ** 70}),
        felt="omfang.antall_ansatte"),
    Ond("informasjon-mottaker-navn-tom", "sb", "POST", B + "/informasjon",
        med(INFORMASJON, mottaker_navn=""), felt="mottaker_navn"),
    Ond("rapport-format", "ko", "GET", "/oppfolging/rapport?fra=2026-01&til=2026-02&format=pdf",
        felt="format"),
    Ond("rapport-fra-nul", "ko", "GET", "/oppfolging/rapport?fra=2026-0%001&til=2026-02",
        felt="fra"),
    Ond("kontroll-maaned", "ko", "GET", "/oppfolging/betalingskontroll/2care/2026-13",
        felt="maaned"),
    Ond("kontroll-mangler-formaal", "ko", "GET", "/oppfolging/betalingskontroll/2care/2026-03",
        hoder={"X-Formaal": ""}, felt="X-Formaal"),

    # --- the invoice basis (payment control) -----------------------------------------------------
    *[Ond(f"krav-{n}", "ko", "POST", "/oppfolging/betalingskontroll/2care/2026-03", innhold=b,
          type="text/csv", felt="body") for n, b in [
        ("ugyldig-linje", f"{KRAV_HODE}\nx;y;z;w\n".encode()),
        ("ikke-utf8", b"\xff\xfe\x00"),
        ("nul", f"{KRAV_HODE}\n{{bruker}};praktisk_bistand;1\x00;100\n".encode()),
        ("bare-cr", f"{KRAV_HODE}\r{{bruker}};praktisk_bistand;1;100\r".encode()),
        ("feil-hode", b"a;b;c\n1;2;3\n"),
        ("timer-nan", f"{KRAV_HODE}\n{{bruker}};praktisk_bistand;NaN;100\n".encode()),
        ("timer-negativ", f"{KRAV_HODE}\n{{bruker}};praktisk_bistand;-1;100\n".encode()),
        ("uavsluttet-sitat", f'{KRAV_HODE}\n"{{bruker}};praktisk_bistand;1;100\n'.encode())]],

    # --- the time report (CSV import) ------------------------------------------------------------
    *[Ond(f"tidsrapport-{n}", "lev", "POST", "/leverandorer/2care/tidsrapporter", innhold=b,
          type="text/csv", felt="body", status=s) for n, b, s in [
        ("bare-cr", rapport(GOD_LINJE, slutt="\r"), (400,)),
        ("blandet-cr", (HODE + "\n" + GOD_LINJE + "\r" + GOD_LINJE + "\n").encode(), (400,)),
        ("ikke-utf8", HODE.encode() + b"\n\xff\xfe\n", (400,)),
        ("utf16", rapport(GOD_LINJE).decode().encode("utf-16"), (400,)),
        ("binaer", bytes(range(256)) * 4, (400,)),
        ("tom", b"", (400,)),
        ("feil-hode", b"a;b;c\n" + GOD_LINJE.encode() + b"\n", (400,)),
        ("nul-i-hode", rapport(GOD_LINJE).replace(b"type", b"ty\x00pe", 1), (400,)),
        ("2mb", rapport(*[GOD_LINJE] * 15_000), (413,))]],
    *[Ond(f"tidsrapport-linje-{n}", "lev", "POST", "/leverandorer/2care/tidsrapporter",
          innhold=rapport(linje), type="text/csv", status=(200,), linjer=True)
      for n, linje in [
        ("nul-ansatt", GOD_LINJE.replace(";a1;", ";a\x00b;")),
        ("rlo-ansatt", GOD_LINJE.replace(";a1;", ";a\u202eb;")),
        ("naiv-start", f"besok;{{bruker}};praktisk_bistand;2026-02-26T09:00;{tid(2, 10)};a1;;;;"),
        ("heltall-start", f"besok;{{bruker}};praktisk_bistand;1793610000;{tid(2, 10)};a1;;;;"),
        ("30feb", f"besok;{{bruker}};praktisk_bistand;2026-02-30T09:00+01:00;{tid(2, 10)};a1;;;;"),
        ("type-ukjent", GOD_LINJE.replace("besok;", "fest;", 1)),
        ("bruker-tull", GOD_LINJE.replace("{bruker}", "tull")),
        ("fremmed-bruker", GOD_LINJE.replace("{bruker}", "{annen_bruker}")),
        ("for-faa-kolonner", "besok;{bruker}"),
        ("ansatt-200k", f'besok;{{bruker}};praktisk_bistand;{tid(2)};{tid(2, 10)};'
                        f'"{"x" * 200_000}";;;;'),
        ("tjenestetype-stor", GOD_LINJE.replace("praktisk_bistand", "PRAKTISK_BISTAND")),
        ("slutt-foer-start", f"besok;{{bruker}};praktisk_bistand;{tid(2, 10)};{tid(2, 9)};a1;;;;"),
        ("avbestilling-uten-journal", f"avbestilling;{{bruker}};praktisk_bistand;{tid(3)};"
                                      f"{tid(3, 10)};;;;{tid(1)};"),
    ]],
]
