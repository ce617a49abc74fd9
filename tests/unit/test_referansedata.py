"""The reference data's provider types are the two the API documents (kommunal, privat)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from application.referansedata import STANDARD_MAPPE, Referansedata


def test_leverandorene_i_standardfilen_er_kommunal_eller_privat() -> None:
    typer = {x.type for x in Referansedata.last(STANDARD_MAPPE).leverandorer.values()}
    assert typer == {"kommunal", "privat"}


def test_en_ukjent_leverandortype_stopper_innlastingen(tmp_path: Path) -> None:
    for navn in ("leverandorer.json", "bydeler.json"):
        shutil.copy(STANDARD_MAPPE / navn, tmp_path / navn)
    data = json.loads((tmp_path / "leverandorer.json").read_text(encoding="utf-8"))
    data["leverandorer"][1]["type"] = "halvprivat"
    (tmp_path / "leverandorer.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="halvprivat"):
        Referansedata.last(tmp_path)
