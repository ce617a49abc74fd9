"""The klagesak as a self-checking JSON document, and its verification against the chain."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from application.infrastructure import ledger_positions as kjede
from application.infrastructure.ledger_positions import Lenke

if TYPE_CHECKING:
    from projections.klagesak import Klagesak


def eksport(ks: Klagesak, bruker_id: UUID, *, tidspunkt: datetime | None = None,
            fra: date | None = None, til: date | None = None,
            vedtak_id: UUID | None = None) -> dict[str, Any]:
    """The timeline (and the state as known at ``tidspunkt``) as a self-checking JSON document.

    Every fact carries its chain position, its link hash and the inputs to recompute that hash
    (prev_hash, topic and the stored bytes, encrypted if encryption is on), so a third party can
    check each fact against the store's chain and a signed checkpoint (``verifiser_eksport``).
    """
    poster = ks.tidslinje(bruker_id, fra=fra, til=til, vedtak_id=vedtak_id)
    lenker = kjede.lenker(ks.app.recorder, {p.aggregat_id for p in poster})
    hode = kjede.hode(ks.app.recorder)
    return {
        "format": "brukervalg.klagesak.v1",
        "bruker_id": str(bruker_id),
        "utvalg": {"fra": fra and fra.isoformat(), "til": til and til.isoformat(),
                   "vedtak_id": vedtak_id and str(vedtak_id)},
        "kjedehode": {"posisjon": hode[0], "hash": hode[1]} if hode else None,
        "tidslinje": [{**p.som_json(),
                       "lenke": lenker[(p.aggregat_id, p.versjon)].som_json()
                       if (p.aggregat_id, p.versjon) in lenker else None} for p in poster],
        "tilstand_per": ks.tilstand_per(bruker_id, tidspunkt).model_dump(mode="json")
        if tidspunkt else None,
    }


def verifiser_eksport(doc: dict[str, Any], recorder: Any | None = None) -> list[str]:
    """Problems found in an export: a fact whose link does not recompute, or (given the store)
    one whose link differs from the store's. An empty list means every fact checks out."""
    import base64

    problemer = []
    poster = doc.get("tidslinje", [])
    levende = kjede.lenker(recorder, {UUID(p["aggregat_id"]) for p in poster}) if recorder else {}
    for p in poster:
        lenke_json = p.get("lenke")
        if lenke_json is None:
            problemer.append(f"{p['hendelse']} v{p['versjon']}: mangler kjedelenke")
            continue
        lenke = Lenke(lenke_json["posisjon"], UUID(p["aggregat_id"]), p["versjon"], lenke_json["topic"],
                      base64.b64decode(lenke_json["state_base64"]), bytes.fromhex(lenke_json["prev_hash"]),
                      bytes.fromhex(lenke_json["hash"]))
        if not lenke.stemmer():
            problemer.append(f"posisjon {lenke.posisjon}: lenken stemmer ikke med de lagrede bytene")
        if recorder is not None:
            i_lageret = levende.get((lenke.originator_id, lenke.versjon))
            if i_lageret is None or i_lageret.hash != lenke.hash or i_lageret.posisjon != lenke.posisjon:
                problemer.append(f"posisjon {lenke.posisjon}: avviker fra lageret")
    return problemer
