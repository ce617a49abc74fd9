"""An immutable mapping that grows by a few entries without copying the rest (the delivery's
visits and their indexes: ``tilstand.py``).

The delivery's state is frozen, so each fold step makes a new state. Copying a dict of all the
visits at every visit would make a delivery's fold quadratic in its length (a year of visits
reported one by one is ~750 events, folded on every command). ``PersistentMap.med`` instead
shares what exists: the entries are kept in layers (plain dicts, never changed once made),
oldest and largest first; an addition is a new small layer, merged with the layers before it
only while they are at most twice its size. So there are at most ~log2(n) layers, a lookup
asks each at most once, and over n additions each entry is copied ~log2(n) times.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

class PersistentMap(Mapping[K, V]):
    """A read-only mapping; ``med`` gives a new one with entries added or replaced.

    Iterates in insertion order, as a dict would (a replaced key keeps its place).
    """

    __slots__ = ("_lag", "_antall")

    def __init__(self, innhold: Mapping[K, V] | None = None) -> None:
        forste = dict(innhold) if innhold else {}
        self._lag: tuple[dict[K, V], ...] = (forste,) if forste else ()
        self._antall = len(forste)

    def med(self, nye: Mapping[K, V]) -> PersistentMap[K, V]:
        """This mapping with ``nye`` added (a key already here gets the new value)."""
        if not nye:
            return self
        lag = self._lag
        antall = self._antall
        for x in nye:
            for eldre in lag:
                if x in eldre:
                    break
            else:
                antall += 1
        ny = dict(nye)
        i = len(lag)
        while i and len(lag[i - 1]) <= 2 * len(ny):
            i -= 1
            ny = {**lag[i], **ny}
        ut: PersistentMap[K, V] = PersistentMap.__new__(PersistentMap)
        ut._lag, ut._antall = (*lag[:i], ny), antall
        return ut

    def __getitem__(self, key: K) -> V:
        for lag in reversed(self._lag):
            if key in lag:
                return lag[key]
        raise KeyError(key)

    @overload
    def get(self, key: K, /) -> V | None: ...

    @overload
    def get(self, key: K, default: V | T, /) -> V | T: ...

    def get(self, key: K, default: object = None, /) -> object:
        for lag in reversed(self._lag):
            if key in lag:
                return lag[key]
        return default

    def __contains__(self, key: object) -> bool:
        return any(key in lag for lag in self._lag)

    def __len__(self) -> int:
        return self._antall

    def _flat(self) -> dict[K, V]:
        if len(self._lag) == 1:
            return self._lag[0]
        alle: dict[K, V] = {}
        for lag in self._lag:
            alle.update(lag)
        return alle

    def __iter__(self) -> Iterator[K]:
        return iter(self._flat())

    def keys(self) -> KeysView[K]:
        return self._flat().keys()

    def values(self) -> ValuesView[V]:
        return self._flat().values()

    def items(self) -> ItemsView[K, V]:
        return self._flat().items()

    def __repr__(self) -> str:
        return f"PersistentMap({self._flat()!r})"
