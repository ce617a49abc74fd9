"""The store's two secrets, read in one place: the AES key and the fødselsnummer index key.

They are two independent random secrets, not one secret used twice and not derived from one
master: the AES key (``BRUKERVALG_CIPHER_KEY``) encrypts every stored event (AES-GCM,
eventsourcing's cipher); the index key (``BRUKERVALG_INDEKS_NOKKEL``) is the HMAC-SHA256 key
that turns a fødselsnummer into the id of its index aggregate. Independent, so that each can be
kept, rotated and lost on its own terms (README, "Production"). Each comes from its variable or
from the file its ``…_FIL`` variable names.

Production requires both, distinct, neither the development constant. The fødselsnummer space
is small (birth date × individual number): an index keyed by a constant in the source, or by
nothing, lets anyone who can read the store test every number in minutes. Development mode
(tests, ``brukervalg start``, ``brukervalg demo``) needs neither: events are then stored
unencrypted and the index is keyed by :data:`UTVIKLING_INDEKS_NOKKEL`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from application.infrastructure.settings import StoreSettingsError

CIPHER_KEY = "BRUKERVALG_CIPHER_KEY"
INDEKS_NOKKEL = "BRUKERVALG_INDEKS_NOKKEL"
UTVIKLING = "BRUKERVALG_UTVIKLING"
UTVIKLING_INDEKS_NOKKEL = "utvikling-ikke-for-produksjon"
"""The index key in development mode only; production refuses it."""

AES_BYTES = 32
INDEKS_MIN_BYTES = 32
"""An index key must carry at least 256 random bits (base64 of 32 bytes or more)."""

LAG_NOKLER = "brukervalg nokler lag --ut-mappe <mappe>"
CIPHER_FIL = "cipher-key"
INDEKS_FIL = "indeks-nokkel"

_HVORDAN = (f"Lag nøklene med `{LAG_NOKLER}` (to filer med modus 0600) og sett "
            f"{CIPHER_KEY}_FIL=<mappe>/{CIPHER_FIL} og {INDEKS_NOKKEL}_FIL=<mappe>/{INDEKS_FIL} "
            f"(eller {CIPHER_KEY} og {INDEKS_NOKKEL} direkte); for et utviklingslager uten "
            f"kryptering: {UTVIKLING}=1")


def er_utvikling(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment asks for development mode (``BRUKERVALG_UTVIKLING``)."""
    env = os.environ if environ is None else environ
    return env.get(UTVIKLING, "").strip().lower() in {"1", "true", "yes", "ja", "y", "t"}


@dataclass(frozen=True)
class Lagernokler:
    """The secrets a store is opened with."""

    cipher_key: str | None
    """Base64 AES key, or None: events stored unencrypted (development only)."""
    indeks_nokkel: bytes
    """HMAC key of the fødselsnummer index: the setting's text as UTF-8 bytes."""

    @property
    def ukryptert(self) -> bool:
        return self.cipher_key is None

    def fingeravtrykk(self, data: bytes) -> str:
        """A keyed fingerprint of a request (the API's idempotency check): a plain sha256 of
        a registration (fødselsnummer, name, bydel) confirms who is registered to anyone who
        recomputes it, as an unkeyed index would. Keyed by a key derived from the index key
        under its own label, so it never equals an index id."""
        nokkel = hmac.new(self.indeks_nokkel, b"brukervalg:http-fingeravtrykk", hashlib.sha256)
        return hmac.new(nokkel.digest(), data, hashlib.sha256).hexdigest()

    @classmethod
    def fra_miljo(cls, environ: Mapping[str, str], *, produksjon: bool) -> Lagernokler:
        """The keys from the environment; in production both, distinct and strong, or
        :class:`StoreSettingsError` naming the settings and how to make keys.

        In development mode a missing index key is the cipher key when there is one (as the
        index of such a store was always keyed), else :data:`UTVIKLING_INDEKS_NOKKEL`.
        """
        cipher = _les(environ, CIPHER_KEY)
        indeks = _les(environ, INDEKS_NOKKEL)
        if cipher is not None:
            _sjekk_aes(cipher)
        if not produksjon:
            return cls(cipher, (indeks or cipher or UTVIKLING_INDEKS_NOKKEL).encode())
        if cipher is None or indeks is None:
            mangler = [navn for navn, verdi in ((CIPHER_KEY, cipher), (INDEKS_NOKKEL, indeks))
                       if verdi is None]
            raise StoreSettingsError(f"{' og '.join(mangler)} mangler: i produksjon lagres ingen "
                                   "personopplysninger ukryptert, og fødselsnummerindeksen "
                                   f"krever sin egen hemmelige nøkkel. {_HVORDAN}")
        if indeks == UTVIKLING_INDEKS_NOKKEL:
            raise StoreSettingsError(f"{INDEKS_NOKKEL} er utviklingsnøkkelen fra kildekoden; "
                                   f"den godtas bare i utviklingsmodus. {_HVORDAN}")
        if indeks == cipher:
            raise StoreSettingsError(f"{INDEKS_NOKKEL} er den samme som {CIPHER_KEY}: de skal være "
                                   f"to forskjellige hemmeligheter. {_HVORDAN}")
        if len(_base64(indeks) or b"") < INDEKS_MIN_BYTES:
            raise StoreSettingsError(f"{INDEKS_NOKKEL} må være base64 av minst {INDEKS_MIN_BYTES} "
                                   f"tilfeldige byte. {_HVORDAN}")
        return cls(cipher, indeks.encode())


def _les(environ: Mapping[str, str], navn: str) -> str | None:
    """A secret from ``navn`` or from the file ``navn_FIL`` names (not both)."""
    verdi = environ.get(navn, "").strip() or None
    fil = environ.get(f"{navn}_FIL", "").strip() or None
    if fil is None:
        return verdi
    if verdi is not None:
        raise StoreSettingsError(f"både {navn} og {navn}_FIL er satt: bruk én av dem")
    try:
        fra_fil = Path(fil).read_text(encoding="utf-8").strip()
    except OSError as e:
        raise StoreSettingsError(f"{navn}_FIL={fil!r} kan ikke leses: {e.strerror}") from None
    if not fra_fil:
        raise StoreSettingsError(f"{navn}_FIL={fil!r} er tom")
    return fra_fil


def _base64(verdi: str) -> bytes | None:
    try:
        return base64.b64decode(verdi, validate=True)
    except (binascii.Error, ValueError):
        return None


def _sjekk_aes(cipher: str) -> None:
    if len(_base64(cipher) or b"") not in (16, 24, 32):
        raise StoreSettingsError(f"{CIPHER_KEY} må være base64 av en AES-nøkkel på 16, 24 eller "
                               f"32 byte. {_HVORDAN}")


def lag_nokler() -> tuple[str, str]:
    """A new AES key and a new index key, each base64 of 32 random bytes, independent."""
    return (base64.b64encode(secrets.token_bytes(AES_BYTES)).decode(),
            base64.b64encode(secrets.token_bytes(INDEKS_MIN_BYTES)).decode())


def skriv_nokler(mappe: Path) -> tuple[Path, Path]:
    """Write two new keys to ``mappe`` (created 0700 if missing), each file 0600 from its
    creation; refuses to overwrite an existing key (losing one loses data)."""
    mappe.mkdir(mode=0o700, parents=True, exist_ok=True)
    cipher, indeks = lag_nokler()
    stier = (mappe / CIPHER_FIL, mappe / INDEKS_FIL)
    for sti in stier:
        if sti.exists():
            raise StoreSettingsError(f"{sti} finnes allerede; en nøkkel overskrives aldri "
                                   "(mister du den, mister du dataene den beskytter)")
    for sti, verdi in zip(stier, (cipher, indeks), strict=True):
        fd = os.open(sti, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(verdi + "\n")
    return stier
