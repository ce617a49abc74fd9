"""Tests that need a program outside Python (Chromium, Node.js with npm): skipped on a developer's
machine without it, saying what to install, but failed on CI, where ``./bv test`` installs them
(so the screenshots and the TypeScript client are really made there, never skipped in silence).

CI is ``BRUKERVALG_KREV_VERKTOY=1`` (``.ci/run`` sets it) or the usual ``CI`` variable.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

PAA_CI = os.environ.get("BRUKERVALG_KREV_VERKTOY") == "1" or os.environ.get(
    "CI", "").lower() not in ("", "0", "false", "no")


def mangler(melding: str) -> NoReturn:
    """The program the test needs is not installed: skip, except on CI (fail)."""
    if PAA_CI:
        pytest.fail(f"{melding}; på CI må testen kjøre (./bv test installerer det som root)")
    pytest.skip(melding)


def krev(program: str | None, melding: str) -> str:
    """The program's path, or ``mangler(melding)``."""
    if program is None:
        mangler(melding)
    return program
