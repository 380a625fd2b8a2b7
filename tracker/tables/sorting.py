"""Lists sorted by a column from the URL (the panel, the accounts list): the links that
keep the filters and change the sort, and which column is sorted which way (aria-sort)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Sorting:
    """`sort` is a column name, or "-name" for the other direction; `default` is left out
    of the links (the list's own order)."""

    here: str
    kept: Mapping[str, str]  # the filters every link keeps
    sort: str
    default: str

    def link(self, **changes: object) -> str:
        query = {**self.kept, "sort": self.sort, **changes}
        shown = {k: v for k, v in query.items() if v not in (None, "", self.default)}
        return f"{self.here}?{urlencode(shown)}" if shown else self.here

    def columns(self, keys: Iterable[str]) -> dict[str, dict[str, str]]:
        """Per column: the link that sorts by it (the other way if it is the sort now),
        and "ascending"/"descending" if it is the sort now."""
        out = {}
        for key in keys:
            current = self.sort.lstrip("-") == key
            direction = "descending" if self.sort.startswith("-") else "ascending"
            out[key] = {
                "url": self.link(sort=f"-{key}" if self.sort == key else key, page=None),
                "sorted": direction if current else "",
            }
        return out


def kept(query: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """The filters of `query` (a request's GET) among `names` that have a value."""
    return {name: query[name] for name in names if query.get(name)}
