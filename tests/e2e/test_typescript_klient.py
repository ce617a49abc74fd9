"""The contract a front end is generated from: a TypeScript client made from /schema/openapi.json
with openapi-typescript compiles under ``tsc --strict``, and no request or response body of any
operation is typed ``unknown`` or ``never`` (checked at type level in ``typescript/sjekk.ts``).

The npm tools are installed once (``npm ci``) into ``.venv/typescript-klient/<hash>``, exactly
as ``typescript/package-lock.json`` pins them; ``./bv test`` installs Node and npm with apt when
they are missing and it runs as root; without them this test is skipped, saying so, except on
CI (``tests/verktoy.py``), where it fails: there it must really run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.verktoy import mangler

HER = Path(__file__).parent / "typescript"
ROT = Path(__file__).parents[2]
METODER = ("get", "put", "post", "delete", "patch")


def _verktoy() -> Path:
    """The directory with openapi-typescript and typescript installed (installed on first use,
    exactly the versions of ``typescript/package-lock.json``)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        mangler("Node.js og npm mangler (./bv test installerer dem med apt når det kjøres som "
                "root; ellers: installer pakkene nodejs og npm)")
    filer = {navn: (HER / navn).read_bytes() for navn in ("package.json", "package-lock.json")}
    merke = hashlib.sha256(b"".join(filer.values())).hexdigest()[:12]
    mappe = ROT / ".venv" / "typescript-klient" / merke
    ferdig = mappe / ".installert"
    if not ferdig.exists():
        for gammel in mappe.parent.glob("*"):  # tools of an older lock file: not used again
            if gammel != mappe:
                shutil.rmtree(gammel, ignore_errors=True)
        mappe.mkdir(parents=True, exist_ok=True)
        for navn, innhold in filer.items():
            (mappe / navn).write_bytes(innhold)
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=mappe, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            pytest.fail("npm ci feilet (trenger npm-registeret første gang):\n"
                        f"{r.stdout}\n{r.stderr}")
        ferdig.touch()
    return mappe / "node_modules"


def _operasjoner(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(op["operationId"], metode, op) for sti in doc["paths"].values()
            for metode, op in sti.items() if metode in METODER]


def _sjekklinjer(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, TypeScript line) for every request body and response body of every operation."""
    linjer = []
    for op_id, _, op in _operasjoner(doc):
        for medietype in (op.get("requestBody") or {}).get("content", {}):
            navn = f"{op_id} forespørsel {medietype}"
            linjer.append((navn, f'NonNullable<operations["{op_id}"]["requestBody"]>'
                                 f'["content"]["{medietype}"]'))
        for kode, svar in op["responses"].items():
            for medietype in svar.get("content", {}):
                linjer.append((f"{op_id} {kode} {medietype}",
                               f'operations["{op_id}"]["responses"][{kode}]["content"]'
                               f'["{medietype}"]'))
    return linjer


@pytest.fixture
def dokument(api: Api) -> dict[str, Any]:
    r = api.klient.get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def test_every_operation_declares_its_bodies(dokument: dict[str, Any]) -> None:
    """A body a client cannot see is typed never: every POST declares its request body, every
    answer its content (and a media type with a schema that says something)."""
    for op_id, metode, op in _operasjoner(dokument):
        if metode == "post":
            assert op.get("requestBody", {}).get("content"), f"{op_id}: ingen requestBody"
        for kode, svar in op["responses"].items():
            innhold = svar.get("content")
            assert innhold, f"{op_id} {kode}: svaret har ikke innhold"
            for medietype, m in innhold.items():
                assert m.get("schema"), f"{op_id} {kode} {medietype}: tomt skjema"


def test_generated_typescript_client_compiles_strict_without_unknown_or_never(
        dokument: dict[str, Any], tmp_path: Path) -> None:
    moduler = _verktoy()
    node = shutil.which("node")
    assert node is not None
    (tmp_path / "openapi.json").write_text(json.dumps(dokument), encoding="utf-8")
    miljo = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    r = subprocess.run([node, str(moduler / "openapi-typescript" / "bin" / "cli.js"),
                        "openapi.json", "-o", "api.d.ts"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300, env=miljo)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "export interface operations" in (tmp_path / "api.d.ts").read_text(encoding="utf-8")

    linjer = _sjekklinjer(dokument)
    assert len(linjer) > 100  # every operation's bodies, errors included
    hode = (HER / "sjekk.ts").read_text(encoding="utf-8")
    forste = hode.count("\n") + 1
    kode = hode + "".join(f'const _s{i}: Sjekk<{ts}> = "ok";\n'
                          for i, (_, ts) in enumerate(linjer))
    (tmp_path / "sjekk.ts").write_text(kode, encoding="utf-8")
    (tmp_path / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "strict": True, "noEmit": True, "target": "es2022", "module": "esnext",
        "moduleResolution": "bundler", "skipLibCheck": False},
        "files": ["api.d.ts", "sjekk.ts"]}), encoding="utf-8")
    r = subprocess.run([node, str(moduler / "typescript" / "bin" / "tsc"), "-p", "."],
                       cwd=tmp_path, capture_output=True, text=True, timeout=600, env=miljo)
    feil = r.stdout + r.stderr
    daarlige = sorted({linjer[int(m.group(1)) - forste][0]
                       for m in re.finditer(r"sjekk\.ts\((\d+),\d+\): error", feil)
                       if int(m.group(1)) >= forste})
    assert not daarlige, "typet unknown eller never:\n" + "\n".join(daarlige)
    assert r.returncode == 0, feil
