"""The line-by-line decision of a chunk: every line through the domain's own checks
(``leveranse.Tidsrapport``), the rejections with their rule and field. Any chunk the
column-wise path (``kolonner``) cannot show it would accept whole is decided here.
"""

from __future__ import annotations

from uuid import UUID

from application.tidsrapport.format import (
    _KATEGORIER,
    _TJENESTETYPER,
    PAKREVDE,
    ULESELIG,
    Rad,
    _Kolonner,
    _tid,
)
from application.tidsrapport.kvittering import Linjestatus, _Kv
from application.tidsrapport.oppslag import Oppslag
from domain import kalender
from domain import leveranse as l_mod
from domain.begreper import Hendelse, Kontekst, Regelbrudd, ren_tekst


class Linjevis(Oppslag):
    """The line-by-line path: each line of a chunk through the domain's own checks
    (``leveranse.Tidsrapport``), on the states ``Oppslag`` holds. The reference the
    column-wise path (``kolonner``) is proven against."""

    def _behandle(self, bit: list[Rad], kol: _Kolonner, sha: str,
                  ktx: Kontekst) -> tuple[list[_Kv], list[Hendelse]]:
        """Decide a chunk's lines; returns the receipts and the chunk's events (one or two per
        delivery with accepted lines)."""
        kvitteringer: list[_Kv] = []
        rapporter: dict[UUID, l_mod.Tidsrapport] = {}
        i_bruker, i_tj = kol.bruker, kol.tjenestetype
        lastet = self._forhandslast({(rad[i_bruker].strip(), rad[i_tj].strip()) for _, rad in bit
                                     if len(rad) > max(i_bruker, i_tj)})
        bredde = kol.bredde
        i_type, i_bruker, i_tj, i_start, i_slutt = (kol.type, kol.bruker, kol.tjenestetype,
                                                     kol.start, kol.slutt)
        i_kategori, i_avbestilt, i_ansatt, i_tiltak, i_journal = (
            kol.kategori, kol.avbestilt_tid, kol.ansatt, kol.tiltakskode, kol.journalreferanse)
        GODTATT, ALLEREDE, AVVIST = Linjestatus.GODTATT, Linjestatus.ALLEREDE_REGISTRERT, Linjestatus.AVVIST
        # A user with one delivery of the tjenestetype from this provider: its report, by the
        # line's own text (most lines of a month's file).
        eneste: dict[tuple[str, str], tuple[UUID, l_mod.Tidsrapport]] = {}
        for nr, rad in bit:
            try:
                if rad[0] is ULESELIG:
                    raise Regelbrudd("BV0", "linje", rad[1])
                if len(rad) < bredde:
                    rad = rad + [""] * (bredde - len(rad))
                type_ = rad[i_type].strip().lower()
                bruker = rad[i_bruker].strip()
                tj = rad[i_tj].strip()
                s_start = rad[i_start].strip()
                s_slutt = rad[i_slutt].strip()
                if not (type_ and bruker and tj and s_start and s_slutt):
                    felt = next(f for f, v in zip(PAKREVDE, (type_, bruker, tj, s_start, s_slutt),
                                                  strict=True) if not v)
                    raise Regelbrudd("BV0", felt, "mangler")
                if type_ == "besok":
                    er_besok = True
                elif type_ == "avbestilling":
                    er_besok = False
                else:
                    raise Regelbrudd("BV0", "type", f"må være besok eller avbestilling, ikke {type_!r}")
                tjenestetype = _TJENESTETYPER.get(tj)
                if tjenestetype is None:
                    raise Regelbrudd("BV0", "tjenestetype", f"ukjent tjenestetype {tj!r}")
                kategori = _KATEGORIER.get(rad[i_kategori].strip())
                if kategori is None:
                    raise Regelbrudd("R18a", "kategori", f"ukjent kategori {rad[i_kategori].strip()!r}")
                s_avb = rad[i_avbestilt].strip()
                avbestilt = _tid(s_avb, "avbestilt_tid") if s_avb else None
                if not er_besok and avbestilt is None:
                    raise Regelbrudd("R20", "avbestilt_tid", "en avbestilling må si når den ble gitt")
                start = _tid(s_start, "start")
                slutt = _tid(s_slutt, "slutt")
                funnet = eneste.get((bruker, tj))
                if funnet is not None:
                    lev_id, rapport = funnet
                else:
                    lev_id = self._leveranse_for(bruker, tjenestetype, start)
                    kjent_rapport = rapporter.get(lev_id)
                    if kjent_rapport is None:
                        lev = self._leveranse(lev_id, lastet)
                        kjent_rapport = rapporter[lev_id] = l_mod.Tidsrapport(lev, sha, ktx)
                    rapport = kjent_rapport
                    if len(self._egne_leveranser(bruker, tjenestetype)) == 1:
                        eneste[(bruker, tj)] = (lev_id, rapport)
                if er_besok:
                    tiltak = rad[i_tiltak].strip()
                    ny = rapport.besok_linje(nr, start, slutt,
                                             ren_tekst(rad[i_ansatt].strip(), "ansatt"), kategori,
                                             ren_tekst(tiltak, "tiltakskode") if tiltak else None)
                else:
                    assert avbestilt is not None  # refused above when missing (R20)
                    ny = rapport.avbestilling_linje(
                        nr, start, slutt, avbestilt,
                        ren_tekst(rad[i_journal].strip(), "journalreferanse"))
            except kalender.NaivtTidspunktError as e:
                kvitteringer.append((nr, AVVIST, e.regel or "BV2", e.felt, str(e), None))
                continue
            except Regelbrudd as e:
                kvitteringer.append((nr, AVVIST, e.regel, e.felt, e.melding, None))
                continue
            kvitteringer.append((nr, GODTATT if ny else ALLEREDE, None, None, "", lev_id))
        nye: list[Hendelse] = []
        for lev_id, r in rapporter.items():
            hendelser = r.hendelser()
            if hendelser and self._leveranser.get(lev_id) is r.foer:  # the next chunk's state
                self._leveranser[lev_id] = l_mod.projiser(r.foer, hendelser)
            nye += hendelser
        return kvitteringer, nye
