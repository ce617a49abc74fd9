"""/oppfolging over HTTP: report as HTML and CSV, invoice control as CSV and xlsx, and who may see
what (kontraktsoppfølging all providers, a provider only itself, bydel roles nothing)."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import load_workbook

from tests.e2e.conftest import Api
from tests.oppfolging.generert import importer, lag_maaned


def test_oppfolging_endpoints_and_access(lag_api: Callable[..., Api], klokke: object) -> None:
    api = lag_api("sqlite")
    m = lag_maaned(api.app, klokke, brukere_per_lev=2)
    importer(api.app, m)

    r = api.get("ko", "/oppfolging/rapport?fra=2026-02&til=2026-03")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "Kontraktsoppfølging" in r.text and "Fjordomsorg AS (demo)" in r.text

    r = api.get("ko", "/oppfolging/rapport?fra=2026-03&til=2026-03&format=csv")
    assert r.status_code == 200 and "Leverandør;Måned" in r.text

    # a provider sees itself only; another provider is "not found"; bydel roles are refused
    r = api.get("lev", "/oppfolging/rapport?fra=2026-03&til=2026-03&format=csv")
    assert r.status_code == 200
    assert "\n2care;" in r.text.replace("\r\n", "\n") and "nordlys" not in r.text
    assert api.get("lev", "/oppfolging/rapport?fra=2026-03&til=2026-03&leverandor=nordlys"
                   ).status_code == 404
    assert api.get("sb", "/oppfolging/rapport?fra=2026-03&til=2026-03").status_code == 403
    assert api.get("ko", "/oppfolging/rapport?fra=2026-13&til=2026-03").status_code == 400

    h = api.hode("lev")
    r = api.klient.post("/oppfolging/betalingskontroll/2care/2026-03",
                        content=m.krav["2care"].encode(), headers=h)
    assert r.status_code == 200, r.text
    assert r.text.lstrip("\ufeff").startswith("Bruker;Tjenestetype") and "uten betalbart" in r.text
    r = api.klient.post("/oppfolging/betalingskontroll/2care/2026-03?format=xlsx",
                        content=m.krav["2care"].encode(), headers=h)
    assert r.status_code == 200
    assert load_workbook(io.BytesIO(r.content))["Betalingskontroll"]["A1"].value == "Bruker"
    assert api.klient.post("/oppfolging/betalingskontroll/nordlys/2026-03", content=b"",
                           headers=h).status_code == 404
    assert api.get("ko", "/oppfolging/betalingskontroll/nordlys/2026-03").status_code == 200
    r = api.klient.post("/oppfolging/betalingskontroll/2care/2026-03",
                        content=b"bruker;tjenestetype;timer\nx;y;z\n", headers=h)
    assert r.status_code == 400
    assert any(x.handling == "hentOppfolgingsrapport" and x.utfall == 403 for x in api.logg())
