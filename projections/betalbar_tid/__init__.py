"""Payable hours per provider, bruker, tjenestetype and calendar month (R05, R17, R18, R18a, R20, R23).

Two layers of tables:

- *inputs*, written as events arrive: deliveries, users (death, moving, bydel history), vedtak
  and their omfang over time, revurdering requests, and per (delivery, month, kind) the delivered
  microseconds of each of the month's 31 days (where ``domain.betaling.plasser`` puts each visit
  and cancellation: split at Oslo midnight). Sums add up, so
  the order the events arrive in does not matter.
- *results* per (delivery, month), recomputed from the inputs by ``domain.betaling.beregn`` for every
  (delivery, month) an event touched. The touched keys are marked in the same transaction as the
  inputs (a visit's part of the day sums marks its month until it is folded; other facts write
  ``prj_bt_skitten``), and computed after catching up (``etterarbeid``), so a month that
  receives many visits in a rebuild is computed once, not once per visit.

Which months exist: every month in which the delivery is active, up to the *horizon* (the month
of the latest recorded event time), plus every month with delivered or cancelled time.
Money is not stored: the amount is payable hours x the price in configuration, at query time.

The code, in two halves over the tables above (their names are stored read models, unchanged):

- ``inputs.py`` (``Inputs``): what each event writes to the input tables, and which months it
  marks; the time bookkeeping that moves the horizon.
- ``maanedsberegning.py`` (``Maanedsberegning``): computing the marked months, each through
  ``projections.beregning`` and ``domain.betaling.beregn`` (the rules stay in the domain).
"""

from __future__ import annotations

from projections.betalbar_tid.inputs import Inputs, _Batch
from projections.betalbar_tid.maanedsberegning import Maanedsberegning
from projections.rows import bydel_ddl

__all__ = ["BetalbarTid", "_Batch"]


class BetalbarTid(Inputs, Maanedsberegning):
    navn = "betalbar_tid"
    # 3: visits and cancellations reported in batches (time reports); 4: the month row keeps
    # the planned time of cancellations made in time (``avbestilt``), so the invoice control
    # places them in their days exactly as payable hours do (domain.betaling.plasser).
    # 5: the bydel history is the recorded moves folded by domain.ansvar (R24), a month in which
    # a move takes effect is one row per bydel's part (``del_fom``), items are counted per day.
    VERSJON = 5
    konfigdeler = ("sen_avbestilling",)
    tabeller = ("prj_bt_leveranse", "prj_bt_bruker", "prj_bt_bydel", "prj_bt_vedtak",
                "prj_bt_omfang", "prj_bt_revurdering", "prj_bt_levert", "prj_bt_skitten",
                "prj_bt_tilstand", "prj_bt_maaned", "prj_bt_avvik")
    ddl = (
        "CREATE TABLE IF NOT EXISTS prj_bt_leveranse (leveranse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, leverandor_id TEXT NOT NULL, "
        "fom TEXT NOT NULL, tom TEXT, vedtak_id TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_bt_leveranse_vedtak ON prj_bt_leveranse (vedtak_id)",
        "CREATE INDEX IF NOT EXISTS prj_bt_leveranse_bruker ON prj_bt_leveranse (bruker_id)",
        "CREATE INDEX IF NOT EXISTS prj_bt_leveranse_periode ON prj_bt_leveranse (fom, tom)",
        "CREATE TABLE IF NOT EXISTS prj_bt_bruker (bruker_id TEXT PRIMARY KEY, sluttdato TEXT, "
        "sluttarsak TEXT)",
        bydel_ddl("prj_bt_bydel"),
        "CREATE TABLE IF NOT EXISTS prj_bt_vedtak (vedtak_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, gyldig_fra TEXT NOT NULL, "
        "gyldig_til TEXT)",
        "CREATE TABLE IF NOT EXISTS prj_bt_omfang (vedtak_id TEXT NOT NULL, fra TEXT NOT NULL, "
        "minutter BIGINT NOT NULL, per_uker BIGINT NOT NULL, PRIMARY KEY (vedtak_id, fra))",
        "CREATE TABLE IF NOT EXISTS prj_bt_revurdering (revurdering_id TEXT PRIMARY KEY, "
        "vedtak_id TEXT NOT NULL, leverandor_id TEXT NOT NULL, anmodet_tid TEXT NOT NULL, "
        "besvart_tid TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_bt_revurdering_vedtak ON prj_bt_revurdering (vedtak_id)",
        # The month's 31 day sums (µs), then its 31 day counts (items by ``telledag``), as
        # comma-separated integers; ``antall`` is the month's count. A batch appends its own
        # part (del_nr: its first notification id), so writing never reads; computing a month
        # adds the parts up and folds them into one row (del_nr 0).
        "CREATE TABLE IF NOT EXISTS prj_bt_levert (leveranse_id TEXT NOT NULL, "
        "aar BIGINT NOT NULL, maaned BIGINT NOT NULL, art TEXT NOT NULL, del_nr BIGINT NOT NULL, "
        "antall BIGINT NOT NULL, dager TEXT NOT NULL, "
        "PRIMARY KEY (leveranse_id, aar, maaned, art, del_nr))",
        # Parts not yet folded mark their month as to be computed (cheaper than a mark row).
        "CREATE INDEX IF NOT EXISTS prj_bt_levert_ufoldet ON prj_bt_levert "
        "(leveranse_id, aar, maaned) WHERE del_nr <> 0",
        "CREATE TABLE IF NOT EXISTS prj_bt_skitten (leveranse_id TEXT NOT NULL, "
        "aar BIGINT NOT NULL, maaned BIGINT NOT NULL, PRIMARY KEY (leveranse_id, aar, maaned))",
        "CREATE TABLE IF NOT EXISTS prj_bt_tilstand (nokkel TEXT PRIMARY KEY, verdi TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS prj_bt_maaned (leveranse_id TEXT NOT NULL, "
        "aar BIGINT NOT NULL, maaned BIGINT NOT NULL, leverandor_id TEXT NOT NULL, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, bydel TEXT, bestilt TEXT NOT NULL, "
        "levert_ordinaer BIGINT NOT NULL, levert_akutt BIGINT NOT NULL, "
        "sen_avbestilt BIGINT NOT NULL, antall_besok BIGINT NOT NULL, "
        "antall_avbestilt BIGINT NOT NULL, betalbar_innenfor TEXT NOT NULL, "
        "betalbar_r17 TEXT NOT NULL, betalbar_akutt BIGINT NOT NULL, "
        "betalbar_sen_avbestilling TEXT NOT NULL, betalbar TEXT NOT NULL, "
        "avbestilt BIGINT NOT NULL, del_fom TEXT NOT NULL, "
        "PRIMARY KEY (leveranse_id, aar, maaned, del_fom))",
        "CREATE INDEX IF NOT EXISTS prj_bt_maaned_leverandor "
        "ON prj_bt_maaned (leverandor_id, aar, maaned)",
        "CREATE INDEX IF NOT EXISTS prj_bt_maaned_bruker ON prj_bt_maaned (bruker_id, aar, maaned)",
        "CREATE TABLE IF NOT EXISTS prj_bt_avvik (leveranse_id TEXT NOT NULL, "
        "aar BIGINT NOT NULL, maaned BIGINT NOT NULL, arsak TEXT NOT NULL, "
        "leverandor_id TEXT NOT NULL, bruker_id TEXT NOT NULL, mengde TEXT NOT NULL, "
        "dager TEXT NOT NULL, del_fom TEXT NOT NULL, bydel TEXT, "
        "PRIMARY KEY (leveranse_id, aar, maaned, del_fom, arsak))",
        "CREATE INDEX IF NOT EXISTS prj_bt_avvik_leverandor "
        "ON prj_bt_avvik (leverandor_id, aar, maaned)",
    )
