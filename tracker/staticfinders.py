"""The local copy of Chart.js as static files: only the one file the pages load
(`chart.umd.min.js`, and the source map it names), not the 6 MB of maps, modules and types its npm package brings,
which collectstatic would otherwise hash and compress twice over on every deploy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/chart.js"
FILES = ("chart.umd.min.js", "chart.umd.min.js.map")  # the map: the file names it


class ChartJsFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.root = Path(settings.CHARTJS_LOCAL_DIR)
        self.storage = FileSystemStorage(location=self.root)
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]  # collectstatic's dest

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        name = path.removeprefix(PREFIX + "/")
        if path.startswith(PREFIX + "/") and name in FILES and (self.root / name).is_file():
            found = str(self.root / name)
            return [found] if find_all else found
        return []  # as Django's finders say "not here"

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for name in FILES:
            if (self.root / name).is_file():
                yield name, self.storage
