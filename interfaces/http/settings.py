"""The HTTP API's settings: one dataclass, read from the environment in one place.

Every variable is listed in docs/api.md (one table). The event store itself is chosen by
``application.infrastructure.settings`` (``BRUKERVALG_STORE`` …); the tables of the API
(idempotency keys, access log) live in the same database as the events.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

UTVIKLING_UTSTEDER = "brukervalg-utvikling"
"""Issuer of development tokens; never accepted outside development mode."""

STANDARD_PUBLIKUM = "brukervalg-api"


class ApiSettingsError(ValueError):
    """The API is configured in a way it must not run with (e.g. a development key in production)."""


def _sann(verdi: str | None) -> bool:
    return (verdi or "").strip().lower() in {"1", "true", "yes", "ja", "y", "t"}


@dataclass(frozen=True)
class Claims:
    """Names of the token claims that carry who the caller is (HelseID style, configurable)."""

    person: str = "helseid://claims/identity/pid_pseudonym"
    rolle: str = "helseid://claims/brukervalg/rolle"
    organisasjon: str = "helseid://claims/brukervalg/organisasjon"


@dataclass(frozen=True)
class ApiSettings:
    """Settings of the HTTP API. ``fra_miljo()`` reads them from environment variables."""

    utvikling: bool = False
    """Explicit development mode: only then are tokens signed by the local development key accepted."""
    utsteder: str | None = None
    """Expected ``iss`` of production tokens (e.g. HelseID's issuer URL)."""
    publikum: str = STANDARD_PUBLIKUM
    """Expected ``aud``."""
    offentlig_nokkel: str | None = None
    """PEM public key(s) of the issuer (alternative to a JWKS)."""
    jwks_url: str | None = None
    """Where the issuer publishes its JWKS (fetched and cached by PyJWT)."""
    jwks: str | None = None
    """A JWKS document inline (JSON), for issuers whose keys are distributed by configuration."""
    algoritmer: tuple[str, ...] = ("RS256", "PS256", "ES256")
    claims: Claims = field(default_factory=Claims)
    utviklingsnokkel: Path = Path("brukervalg-utviklingsnokkel.pem")
    """The local development signing key (created on first use in development mode)."""
    # (A run of int settings, alike in shape only to application.tidsrapport.Sammendrag's counts.)
    maks_body_bytes: int = 1_000_000
    standard_sidestorrelse: int = 100
    maks_sidestorrelse: int = 500
    maks_besok_per_kall: int = 500
    rate_per_sekund: float = 20.0
    """Sustained requests per second per identity (token bucket)."""
    rate_burst: int = 200
    idempotens_timer: int = 168
    """How long an Idempotency-Key is remembered (hours)."""
    klokkeslakk_sekunder: int = 30
    """Allowed clock skew when checking exp/nbf/iat."""

    @classmethod
    def fra_miljo(cls, environ: Mapping[str, str] | None = None, **overstyr: object) -> ApiSettings:
        env = dict(os.environ if environ is None else environ)

        def tekst(navn: str) -> str | None:
            verdi = env.get(navn, "").strip()
            return verdi or None

        def heltall(navn: str, standard: int) -> int:
            verdi = tekst(navn)
            try:
                return int(verdi) if verdi is not None else standard
            except ValueError:
                raise ApiSettingsError(f"{navn}={verdi!r} er ikke et heltall") from None

        # Same shape as heltall: two types, two messages; one generic parser would need a type
        # parameter to save four lines.
        def flyttall(navn: str, standard: float) -> float:
            verdi = tekst(navn)
            try:
                return float(verdi) if verdi is not None else standard
            except ValueError:
                raise ApiSettingsError(f"{navn}={verdi!r} er ikke et tall") from None

        nokkel = tekst("BRUKERVALG_JWT_OFFENTLIG_NOKKEL")
        if nokkel is None and (fil := tekst("BRUKERVALG_JWT_OFFENTLIG_NOKKEL_FIL")):
            nokkel = Path(fil).read_text(encoding="utf-8")
        jwks = tekst("BRUKERVALG_JWT_JWKS")
        if jwks is None and (fil := tekst("BRUKERVALG_JWT_JWKS_FIL")):
            jwks = Path(fil).read_text(encoding="utf-8")
        standard = cls()
        algoritmer = tekst("BRUKERVALG_JWT_ALGORITMER")
        settings = cls(
            utvikling=_sann(env.get("BRUKERVALG_UTVIKLING")),
            utsteder=tekst("BRUKERVALG_JWT_UTSTEDER"),
            publikum=tekst("BRUKERVALG_JWT_PUBLIKUM") or STANDARD_PUBLIKUM,
            offentlig_nokkel=nokkel,
            jwks_url=tekst("BRUKERVALG_JWT_JWKS_URL"),
            jwks=jwks,
            algoritmer=tuple(a.strip() for a in algoritmer.split(",") if a.strip())
            if algoritmer else standard.algoritmer,
            claims=Claims(
                person=tekst("BRUKERVALG_CLAIM_PERSON") or standard.claims.person,
                rolle=tekst("BRUKERVALG_CLAIM_ROLLE") or standard.claims.rolle,
                organisasjon=tekst("BRUKERVALG_CLAIM_ORGANISASJON")
                or standard.claims.organisasjon,
            ),
            utviklingsnokkel=Path(tekst("BRUKERVALG_UTVIKLINGSNOKKEL")
                                  or standard.utviklingsnokkel),
            maks_body_bytes=heltall("BRUKERVALG_MAKS_BODY_BYTES", standard.maks_body_bytes),
            standard_sidestorrelse=heltall("BRUKERVALG_STANDARD_SIDESTORRELSE",
                                           standard.standard_sidestorrelse),
            maks_sidestorrelse=heltall("BRUKERVALG_MAKS_SIDESTORRELSE",
                                       standard.maks_sidestorrelse),
            maks_besok_per_kall=heltall("BRUKERVALG_MAKS_BESOK_PER_KALL",
                                        standard.maks_besok_per_kall),
            rate_per_sekund=flyttall("BRUKERVALG_RATE_PER_SEKUND", standard.rate_per_sekund),
            rate_burst=heltall("BRUKERVALG_RATE_BURST", standard.rate_burst),
            idempotens_timer=heltall("BRUKERVALG_IDEMPOTENS_TIMER", standard.idempotens_timer),
        )
        return replace(settings, **overstyr)  # type: ignore[arg-type]

    def valider(self) -> None:
        """Refuse settings that would weaken authentication (checked by ``create_app``)."""
        if self.maks_sidestorrelse < 1 or not 1 <= self.standard_sidestorrelse <= \
                self.maks_sidestorrelse:
            raise ApiSettingsError("sidestørrelsene må være 1 <= standard <= maks")
        if self.maks_body_bytes < 1024:
            raise ApiSettingsError("BRUKERVALG_MAKS_BODY_BYTES må være minst 1024")
        if self.rate_per_sekund <= 0 or self.rate_burst < 1:
            raise ApiSettingsError("rate-grensen må være positiv")
        if self.utvikling:
            return
        if self.utsteder is None:
            raise ApiSettingsError("BRUKERVALG_JWT_UTSTEDER mangler: produksjon krever en "
                                   "konfigurert utsteder (eller start i utviklingsmodus)")
        if self.utsteder == UTVIKLING_UTSTEDER:
            raise ApiSettingsError("utviklingsutstederen godtas bare i utviklingsmodus")
        if not (self.offentlig_nokkel or self.jwks_url or self.jwks):
            raise ApiSettingsError("sett BRUKERVALG_JWT_OFFENTLIG_NOKKEL(_FIL), "
                                   "BRUKERVALG_JWT_JWKS(_FIL) eller BRUKERVALG_JWT_JWKS_URL")
        if any(a.upper().startswith("HS") or a.lower() == "none" for a in self.algoritmer):
            raise ApiSettingsError("bare asymmetriske algoritmer (RS/PS/ES/EdDSA) godtas")
