"""The column-wise path's reading of a chunk (polars): its cells, each instant as microseconds and
as the event writes it, each line as its item in the event's JSON, and the per-line checks
(``ren``) of the list in ``kolonner``'s docstring. What the lines then decide together (already
recorded, overlaps, R23, BV8) is in ``kolonner``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from domain import leveranse as l_mod
from domain.begreper import Tjenestetype
from domain.leveranse import LENGSTE_BESOK, Besokskategori

_EPOKE = datetime(1970, 1, 1, tzinfo=UTC)
_MIKRO = timedelta(microseconds=1)
# The forms of an instant this path reads itself (anything else goes line by line).
_TIDSFORM = (r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?"
             r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$")
# Printable ASCII but ``"`` and ``\``, and Latin-1 to IPA (U+00A0-U+02FF): JSON-escaped by orjson
# as itself, allowed by BV6 (``begreper.ren_tekst``) and already NFC, so the line-by-line path would
# store exactly this text. Anything else goes line by line, as does a text longer than BV6
# allows (``leveranse.ANSATT_MAKS``...).
_TRYGG_TEGN = "[ !#-\\[\\]-~\u00a0-\u02ff]"
_LIGNER_FNR = l_mod._LIGNER_FNR.pattern
_TJENESTETYPER = [t.value for t in Tjenestetype]
_KATEGORIER = [k.value for k in Besokskategori] + [""]
_LENGSTE_US = LENGSTE_BESOK // _MIKRO


def i_mikrosekunder(t: datetime) -> int:
    """An aware instant as whole microseconds since the epoch (exact, no float)."""
    return (t - _EPOKE) // _MIKRO


def _fra_mikrosekunder(us: int) -> datetime:
    return _EPOKE + timedelta(microseconds=us)


def kan_leses_kolonnevis(tekst: str | bytes) -> bool:
    """Whether a block of the file can be split into lines and cells without the csv module:
    no quoting, and no line ending but ``\\n`` or ``\\r\\n`` (then each line is one record, and
    the line numbers are the csv module's)."""
    if isinstance(tekst, bytes):
        return b'"' not in tekst and tekst.count(b"\r") == tekst.count(b"\r\n")
    return '"' not in tekst and tekst.count("\r") == tekst.count("\r\n")


def _tid(kol: str, vanlig: bool) -> list[pl.Expr]:
    """The instant in ``kol`` as microseconds (``<kol>_us``, null if not in a form read here) and
    as pydantic writes it in an event (``<kol>_json``: seconds always, ``Z`` for offset zero).

    ``vanlig``: every non-empty cell is ``YYYY-MM-DDTHH:MM:SS±HH:MM`` with a non-zero offset, or
    not a time at all (the form most systems write: already as the event writes it)."""
    c = pl.col(kol)
    if vanlig:
        # The local time, then the offset (digits where the form check puts them).
        lokal_us = c.str.slice(0, 19).str.to_datetime(
            "%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us").dt.epoch("us")
        forskyvning = (c.str.slice(20, 2).cast(pl.Int64, strict=False) * 60
                       + c.str.slice(23, 2).cast(pl.Int64, strict=False)) * 60_000_000
        us = pl.when(c.str.contains(_TIDSFORM)).then(
            pl.when(c.str.slice(19, 1) == "-").then(lokal_us + forskyvning)
            .otherwise(lokal_us - forskyvning))
        return [us.alias(f"{kol}_us"), c.alias(f"{kol}_json")]
    # Forms: ...THH:MM[:SS] then Z (17 or 20 characters) or ±HH:MM (22 or 25).
    lengde = c.str.len_bytes()
    c = (pl.when(lengde.is_in([17, 22]))
         .then(pl.concat_str(c.str.slice(0, 16), pl.lit(":00"), c.str.slice(16)))
         .otherwise(c))
    null_forskyvning = c.str.ends_with("Z") | c.str.ends_with("+00:00") \
        | c.str.ends_with("-00:00")
    lokal = c.str.slice(0, 19)
    json = pl.when(null_forskyvning).then(pl.concat_str(lokal, pl.lit("Z"))).otherwise(c)
    c = pl.when(null_forskyvning).then(pl.concat_str(lokal, pl.lit("+00:00"))).otherwise(c)
    tolket = c.str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", strict=False, time_unit="us")
    us = pl.when(pl.col(kol).str.contains(_TIDSFORM)).then(tolket.dt.epoch("us"))
    return [us.alias(f"{kol}_us"), json.alias(f"{kol}_json")]


def _vanlige_tider(df: pl.DataFrame) -> bool:
    """Whether every time in the block is in the usual form (see ``_tid``)."""
    uvanlig = [(pl.col(k).str.len_bytes().is_in([0, 25]).not_()
                | pl.col(k).str.ends_with("+00:00") | pl.col(k).str.ends_with("-00:00")).any()
               for k in ("start", "slutt", "avbestilt_tid")]
    return not any(df.select(uvanlig).row(0))


def _elementer(felt: list[tuple[str, str, bool]]) -> pl.Expr:
    """Each row as the JSON object orjson writes for the item's ``model_dump(mode="json")``:
    (JSON key, column, whether the column is text left out when empty)."""
    deler: list[pl.Expr] = []
    for n, (navn, kolonne, valgfri) in enumerate(felt):
        skille = "{" if n == 0 else ","
        if kolonne == "linje":
            verdi = pl.concat_str(pl.lit(f'{skille}"{navn}":'), pl.col("linje").cast(pl.String))
        elif valgfri:
            verdi = (pl.when(pl.col(kolonne) != "")
                     .then(pl.concat_str(pl.lit(f'{skille}"{navn}":"'), pl.col(kolonne), pl.lit('"')))
                     .otherwise(pl.lit("")))
        else:
            verdi = pl.concat_str(pl.lit(f'{skille}"{navn}":"'), pl.col(kolonne), pl.lit('"'))
        deler.append(verdi)
    return pl.concat_str(*deler, pl.lit("}"))


_BESOK_JSON = _elementer([("linje", "linje", False), ("start", "start_json", False),
                          ("slutt", "slutt_json", False), ("ansatt", "ansatt", False),
                          ("kategori", "kategori", True), ("tiltakskode", "tiltakskode", True)])
_AVBESTILLING_JSON = _elementer([
    ("linje", "linje", False), ("planlagt_start", "start_json", False),
    ("planlagt_slutt", "slutt_json", False), ("avbestilt_tid", "avbestilt_tid_json", False),
    ("journalreferanse", "journalreferanse", False)])


def les_blokk(tekst: str | bytes, navn: list[str], skille: str) -> pl.DataFrame | None:
    """The block's cells (all text; a short line's missing cells null), or None if polars reads
    it otherwise than as one row per line, or the bytes are not UTF-8 (or the header names a
    column twice)."""
    if len(set(navn)) != len(navn):
        return None
    data = tekst if isinstance(tekst, bytes) else tekst.encode("utf-8")
    if not data.endswith(b"\n"):
        data += b"\n"
    # A header of our own first: the columns are then the header's, whatever the first line.
    hode = (skille.join(f"k{i}" for i in range(len(navn))) + "\n").encode()
    try:
        df = pl.read_csv(hode + data, separator=skille, has_header=True, infer_schema=False,
                         quote_char=None)
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if df.height != data.count(b"\n") or df.width != len(navn):
        return None
    return df.rename(dict(zip(df.columns, navn, strict=True)))


_KOLONNER = ("bruker", "tjenestetype", "start", "slutt", "ansatt", "kategori", "tiltakskode",
             "avbestilt_tid", "journalreferanse")


def forbered(df: pl.DataFrame, nr0: int) -> pl.DataFrame:
    """Line numbers, trimmed cells, parsed instants and the per-line checks (``ren``)."""
    kol = set(df.columns)

    def celle(navn: str) -> pl.Expr:
        return (pl.col(navn).fill_null("").str.strip_chars() if navn in kol
                else pl.lit("")).alias(navn)

    s, e = pl.col("start_us"), pl.col("slutt_us")
    trygg = [pl.col(x).str.contains(f"^{_TRYGG_TEGN}{{0,{n}}}$") for x, n in (
        ("ansatt", l_mod.ANSATT_MAKS), ("tiltakskode", l_mod.TILTAKSKODE_MAKS),
        ("journalreferanse", l_mod.JOURNAL_MAKS))]
    besok_ok = ((e > s) & ((e - s) <= _LENGSTE_US) & (pl.col("ansatt") != "")
                & ~pl.col("ansatt").str.contains(_LIGNER_FNR) & trygg[0] & trygg[1]
                & ((pl.col("kategori") != Besokskategori.AKUTT_EKSTRA.value)
                   | (pl.col("tiltakskode") != "")))
    avbestilling_ok = ((e > s) & (pl.col("avbestilt_tid") != "")
                       & (pl.col("journalreferanse") != "") & trygg[2])
    ren = ((pl.col("type") == "besok") | (pl.col("type") == "avbestilling")) \
        & (pl.col("bruker") != "") & pl.col("tjenestetype").is_in(_TJENESTETYPER) \
        & pl.col("kategori").is_in(_KATEGORIER) & s.is_not_null() & e.is_not_null() \
        & ((pl.col("avbestilt_tid") == "") | pl.col("avbestilt_tid_us").is_not_null()) \
        & pl.when(pl.col("er_besok")).then(besok_ok).otherwise(avbestilling_ok)
    df = df.select(pl.int_range(nr0, nr0 + df.height, dtype=pl.Int64).alias("linje"),
                   celle("type").str.to_lowercase(), *(celle(k) for k in _KOLONNER))
    # A line of empty cells (a blank line, ";;;;" from a spreadsheet) is no line, as in the
    # csv module's reading: skipped, with no receipt.
    df = df.filter(pl.any_horizontal(pl.col(k) != "" for k in ("type", *_KOLONNER)))
    vanlig = _vanlige_tider(df)
    return (df.lazy()
            .with_columns(*_tid("start", vanlig), *_tid("slutt", vanlig),
                          *_tid("avbestilt_tid", vanlig),
                          (pl.col("type") == "besok").alias("er_besok"))
            .select("linje", "er_besok", "bruker", "tjenestetype", "start_us", "slutt_us",
                    "avbestilt_tid_us", "ansatt",
                    # as the event writes it: left out for an ordinary visit
                    pl.when(pl.col("kategori") == Besokskategori.ORDINAER.value)
                    .then(pl.lit("")).otherwise(pl.col("kategori")).alias("kategori"),
                    "tiltakskode", "start_json", "slutt_json", "avbestilt_tid_json",
                    "journalreferanse", ren.fill_null(False).alias("ren"))
            # each line as its item in the event's list (used if the line is new)
            .with_columns(pl.when("er_besok").then(_BESOK_JSON).otherwise(_AVBESTILLING_JSON)
                          .alias("json"))
            .collect())
