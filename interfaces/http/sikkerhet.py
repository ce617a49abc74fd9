"""Authentication: bearer JWTs from a configured issuer, HelseID-style claims, and a rate limit.

Who the caller is comes only from a verified token: the ``Aktor`` handed to the application is
built from its claims. Development tokens are signed by a local key and are accepted only when the
server runs in explicit development mode; a production configuration that names the development
issuer or the development key is refused at start.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.middleware.authentication import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
)
from litestar.types import ASGIApp

from application.referansedata import Referansedata
from domain.begreper import Aktor, Rolle
from interfaces.http.settings import (
    STANDARD_PUBLIKUM,
    UTVIKLING_UTSTEDER,
    ApiSettings,
    ApiSettingsError,
    Claims,
)

UTVIKLING_KID = "brukervalg-utvikling"
BYDELSROLLER = frozenset({Rolle.SAKSBEHANDLER, Rolle.VEDTAKSMYNDIG, Rolle.KLAGEBEHANDLER})
ETATER = frozenset({"velferdsetaten"})


@dataclass(frozen=True)
class Identitet:
    """A verified caller: person, role and organisation, from the token's claims."""

    utsteder: str
    person_id: str
    rolle: Rolle
    organisasjon: str

    @property
    def aktor(self) -> Aktor:
        return Aktor(person_id=self.person_id, rolle=self.rolle, organisasjon=self.organisasjon)

    @property
    def bydel(self) -> str | None:
        art, _, ident = self.organisasjon.partition(":")
        return ident if art == "bydel" else None

    @property
    def leverandor(self) -> str | None:
        art, _, ident = self.organisasjon.partition(":")
        return ident if art == "leverandor" else None

    @property
    def nokkel(self) -> str:
        """One identity for rate limits and idempotency keys."""
        return f"{self.utsteder}|{self.person_id}|{self.rolle}|{self.organisasjon}"


# --- the local development key --------------------------------------------------------------


def utviklingsnokkel(sti: Path) -> ec.EllipticCurvePrivateKey:
    """The local development signing key (P-256), created with mode 0600 on first use."""
    if sti.exists():
        nokkel = serialization.load_pem_private_key(sti.read_bytes(), password=None)
        if not isinstance(nokkel, ec.EllipticCurvePrivateKey):
            raise ApiSettingsError(f"{sti} er ikke en EC-nøkkel")
        return nokkel
    nokkel = ec.generate_private_key(ec.SECP256R1())
    pem = nokkel.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
    sti.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(sti, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return nokkel


def _offentlig_pem(nokkel: Any) -> bytes:
    return nokkel.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo)


def lag_token(privat_nokkel: Any, *, utsteder: str, publikum: str, person_id: str, rolle: str,
              organisasjon: str, gyldig: timedelta = timedelta(hours=8),
              claims: Claims | None = None, kid: str | None = None,
              algoritme: str = "ES256", naa: datetime | None = None,
              ekstra: dict[str, Any] | None = None) -> str:
    """Sign a token carrying the claims the API reads (used for development tokens and tests)."""
    claims = claims or Claims()
    naa = naa or datetime.now(UTC)
    innhold: dict[str, Any] = {
        "iss": utsteder, "aud": publikum, "sub": person_id, "jti": str(uuid4()),
        "iat": int(naa.timestamp()), "nbf": int(naa.timestamp()),
        "exp": int((naa + gyldig).timestamp()),
        claims.person: person_id, claims.rolle: rolle, claims.organisasjon: organisasjon,
        **(ekstra or {}),
    }
    return jwt.encode(innhold, privat_nokkel, algorithm=algoritme,
                      headers={"kid": kid} if kid else None)


def utstede_utviklingstoken(person_id: str, rolle: str, organisasjon: str, *,
                            gyldig_timer: float = 8,
                            nokkelfil: Path | str | None = None,
                            publikum: str | None = None) -> str:
    """Issue a development token from the local key (accepted only by a server in dev mode).

    Args:
        person_id: pseudonymous id of the person (e.g. ``sb-frogner-1``).
        rolle: saksbehandler, vedtaksmyndig, leverandor, kontraktsoppfolging or klagebehandler.
        organisasjon: ``bydel:<id>``, ``leverandor:<id>`` or ``etat:velferdsetaten``.
        gyldig_timer: lifetime of the token in hours.
        nokkelfil: the development key (default: ``BRUKERVALG_UTVIKLINGSNOKKEL`` or
            ``./brukervalg-utviklingsnokkel.pem``); created if missing.
        publikum: the audience (default: ``BRUKERVALG_JWT_PUBLIKUM`` or ``brukervalg-api``).

    Returns:
        The signed JWT, to send as ``Authorization: Bearer <token>``.
    """
    settings = ApiSettings.fra_miljo()
    Rolle(rolle)  # an unknown role fails here, not at the server
    sti = Path(nokkelfil) if nokkelfil is not None else settings.utviklingsnokkel
    return lag_token(utviklingsnokkel(sti), utsteder=UTVIKLING_UTSTEDER,
                     publikum=publikum or settings.publikum or STANDARD_PUBLIKUM,
                     person_id=person_id, rolle=rolle, organisasjon=organisasjon,
                     gyldig=timedelta(hours=gyldig_timer), claims=settings.claims,
                     kid=UTVIKLING_KID)


# --- verifying tokens -----------------------------------------------------------------------


class UgyldigToken(Exception):
    """The token is missing, malformed, expired, from an unknown issuer, or has bad claims."""


@dataclass
class _Utsteder:
    navn: str
    nokler: list[Any]
    jwks_klient: jwt.PyJWKClient | None = None


def _pem_nokler(tekst: str) -> list[Any]:
    blokker = [b for b in tekst.split("-----END PUBLIC KEY-----") if "BEGIN PUBLIC KEY" in b]
    if not blokker:
        raise ApiSettingsError("BRUKERVALG_JWT_OFFENTLIG_NOKKEL inneholder ingen offentlig nøkkel")
    return [serialization.load_pem_public_key((b.strip() + "\n-----END PUBLIC KEY-----\n")
                                              .encode()) for b in blokker]


class Verifikator:
    """Verifies bearer tokens against the configured issuer(s); caches verified tokens."""

    CACHE_MAKS = 10_000

    def __init__(self, settings: ApiSettings, referansedata: Referansedata) -> None:
        self.settings = settings
        self.ref = referansedata
        self.utstedere: dict[str, _Utsteder] = {}
        self._cache: dict[str, tuple[Identitet, float]] = {}
        self._laas = threading.Lock()
        utviklingsnokkel_pem: bytes | None = None
        if settings.utviklingsnokkel.exists() or settings.utvikling:
            utviklingsnokkel_pem = _offentlig_pem(
                utviklingsnokkel(settings.utviklingsnokkel).public_key())
        if settings.utsteder:
            nokler: list[Any] = []
            if settings.offentlig_nokkel:
                nokler += _pem_nokler(settings.offentlig_nokkel)
            if settings.jwks:
                try:
                    nokler += [k.key for k in jwt.PyJWKSet.from_json(settings.jwks).keys]
                except (jwt.PyJWTError, ValueError) as e:
                    raise ApiSettingsError(f"BRUKERVALG_JWT_JWKS er ugyldig: {e}") from None
            klient = jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=3600) \
                if settings.jwks_url else None
            if utviklingsnokkel_pem is not None and not settings.utvikling and any(
                    _offentlig_pem(n) == utviklingsnokkel_pem for n in nokler):
                raise ApiSettingsError("den konfigurerte nøkkelen er utviklingsnøkkelen; den "
                                       "godtas bare i utviklingsmodus")
            self.utstedere[settings.utsteder] = _Utsteder(settings.utsteder, nokler,
                                                               klient)
        if settings.utvikling and utviklingsnokkel_pem is not None:
            self.utstedere[UTVIKLING_UTSTEDER] = _Utsteder(
                UTVIKLING_UTSTEDER, [serialization.load_pem_public_key(utviklingsnokkel_pem)])

    def verifiser(self, token: str) -> Identitet:
        naa = time.time()
        treff = self._cache.get(token)
        if treff is not None and treff[1] > naa:
            return treff[0]
        identitet, utloper = self._verifiser(token)
        with self._laas:
            if len(self._cache) >= self.CACHE_MAKS:
                self._cache.clear()
            self._cache[token] = (identitet, utloper)
        return identitet

    def _verifiser(self, token: str) -> tuple[Identitet, float]:
        try:
            hode = jwt.get_unverified_header(token)
            uverifisert = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise UgyldigToken("tokenet kan ikke leses") from None
        iss = uverifisert.get("iss")
        if not self.settings.utvikling and (iss == UTVIKLING_UTSTEDER or hode.get("kid") ==
                                       UTVIKLING_KID):
            raise UgyldigToken("utviklingstokener godtas bare når serveren kjører i "
                               "utviklingsmodus")
        utsteder = self.utstedere.get(iss) if isinstance(iss, str) else None
        if utsteder is None:
            raise UgyldigToken("ukjent utsteder")
        if hode.get("alg") not in self.settings.algoritmer:
            raise UgyldigToken("algoritmen godtas ikke")
        nokler = list(utsteder.nokler)
        if utsteder.jwks_klient is not None:
            try:
                nokler.append(utsteder.jwks_klient.get_signing_key_from_jwt(token).key)
            except jwt.PyJWTError:
                if not nokler:
                    raise UgyldigToken("fant ikke nøkkelen tokenet er signert med") from None
        innhold: dict[str, Any] | None = None
        for nokkel in nokler:
            try:
                innhold = jwt.decode(
                    token, nokkel, algorithms=list(self.settings.algoritmer),
                    audience=self.settings.publikum, issuer=utsteder.navn,
                    leeway=self.settings.klokkeslakk_sekunder,
                    options={"require": ["exp", "iat", "iss", "aud"]})
                break
            except jwt.InvalidSignatureError:
                continue
            except jwt.PyJWTError as e:
                raise UgyldigToken(f"tokenet er ugyldig: {e}") from None
        if innhold is None:
            raise UgyldigToken("signaturen er ugyldig")
        return self._identitet(utsteder.navn, innhold), float(innhold["exp"])

    def _identitet(self, utsteder: str, innhold: dict[str, Any]) -> Identitet:
        c = self.settings.claims
        person = innhold.get(c.person)
        rolle_tekst = innhold.get(c.rolle)
        org = innhold.get(c.organisasjon)
        if not (isinstance(person, str) and 0 < len(person) <= 100):
            raise UgyldigToken(f"claim {c.person} mangler")
        try:
            if not isinstance(rolle_tekst, str):
                raise ValueError(rolle_tekst)
            rolle = Rolle(rolle_tekst)
        except ValueError:
            raise UgyldigToken(f"claim {c.rolle} er ingen kjent rolle") from None
        if rolle is Rolle.SYSTEM:
            raise UgyldigToken("rollen system brukes ikke over HTTP")
        if not isinstance(org, str):
            raise UgyldigToken(f"claim {c.organisasjon} mangler")
        art, _, ident = org.partition(":")
        gyldig = (
            (rolle in BYDELSROLLER and art == "bydel" and ident in self.ref.bydeler)
            or (rolle is Rolle.LEVERANDOR and art == "leverandor"
                and ident in self.ref.leverandorer)
            or (rolle is Rolle.KONTRAKTSOPPFOLGING and art == "etat" and ident in ETATER)
        )
        if not gyldig:
            raise UgyldigToken(f"organisasjonen {org!r} passer ikke til rollen {rolle}")
        return Identitet(utsteder=utsteder, person_id=person, rolle=rolle, organisasjon=org)


# --- rate limit -----------------------------------------------------------------------------


class Ratebegrenser:
    """A token bucket per identity: ``per_sekund`` sustained, ``burst`` at once."""

    def __init__(self, per_sekund: float, burst: int) -> None:
        self.per_sekund = per_sekund
        self.burst = float(burst)
        self._botter: dict[str, tuple[float, float]] = {}
        self._laas = threading.Lock()

    def ventetid(self, nokkel: str) -> float:
        """0 if the request may pass (and is counted), else seconds until it could."""
        naa = time.monotonic()
        with self._laas:
            tokens, sist = self._botter.get(nokkel, (self.burst, naa))
            tokens = min(self.burst, tokens + (naa - sist) * self.per_sekund)
            if tokens >= 1:
                self._botter[nokkel] = (tokens - 1, naa)
                return 0.0
            self._botter[nokkel] = (tokens, naa)
            return (1 - tokens) / self.per_sekund


# --- the middleware -------------------------------------------------------------------------


def _uautorisert(melding: str, feil: str | None = None) -> NotAuthorizedException:
    verdi = 'Bearer realm="brukervalg"' + (f', error="{feil}"' if feil else "")
    return NotAuthorizedException(detail=melding, headers={"WWW-Authenticate": verdi})


class JwtAutentisering(AbstractAuthenticationMiddleware):
    """Every request outside the excluded paths needs a valid bearer token; then the rate limit."""

    def __init__(self, app: ASGIApp, verifikator: Verifikator, begrenser: Ratebegrenser,
                 exclude: str | list[str] | None = None) -> None:
        super().__init__(app, exclude=exclude)
        self.verifikator = verifikator
        self.begrenser = begrenser

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        hode = connection.headers.get("authorization", "")
        skjema, _, token = hode.partition(" ")
        if skjema.lower() != "bearer" or not token.strip():
            raise _uautorisert("mangler bearer-token")
        try:
            identitet = self.verifikator.verifiser(token.strip())
        except UgyldigToken as e:
            raise _uautorisert(str(e), "invalid_token") from None
        vent = self.begrenser.ventetid(identitet.nokkel)
        if vent > 0:
            raise TooManyRequestsException(
                detail="for mange forespørsler fra denne identiteten; vent litt",
                headers={"Retry-After": str(max(1, math.ceil(vent)))})
        return AuthenticationResult(user=identitet, auth=token)


def jwks_for(offentlige_nokler: Iterable[Any]) -> str:
    """A JWKS document for public keys (for tests and for issuers configured by file)."""
    nokler = []
    for i, n in enumerate(offentlige_nokler):
        jwk = json.loads(jwt.algorithms.get_default_algorithms()[
            "ES256" if isinstance(n, ec.EllipticCurvePublicKey) else "RS256"].to_jwk(n))
        jwk["kid"] = f"k{i}"
        nokler.append(jwk)
    return json.dumps({"keys": nokler})
