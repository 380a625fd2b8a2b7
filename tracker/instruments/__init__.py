"""The validated questionnaires of SPEC §14 as data: one FHIR R4 `Questionnaire` per file in
`definitions/`, loaded once and checked when the app starts (`load`): a malformed file stops
start-up with a message naming it. Scoring is in `scoring.py`, one pure function each."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import scoring

DEFINITIONS = Path(__file__).parent / "definitions"
BASE = "https://fhir.ldn-tracker.example"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
LICENCE = f"{BASE}/StructureDefinition/licence"
SOURCE = f"{BASE}/StructureDefinition/source"
RECALL = f"{BASE}/StructureDefinition/recall-period"
LICENCES = ("free", "clinic-licence")


class BadDefinition(Exception):
    """A questionnaire file that cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class Option:
    code: str
    display: str
    score: int


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    options: tuple[Option, ...]
    group: str = ""  # the group's text, for FIQR's three domains


@dataclass(frozen=True)
class Instrument:
    key: str
    url: str
    title: str
    description: str
    licence: str  # "free" or "clinic-licence"
    source: str
    copyright: str
    code: dict[str, str]  # the panel's coding (LOINC where one exists)
    items: tuple[Item, ...]
    resource: dict[str, Any]  # the Questionnaire as in its file

    @property
    def short(self) -> str:
        """The name people use: "PHQ-9" of "Patient Health Questionnaire (PHQ-9)"."""
        if self.title.endswith(")") and "(" in self.title:
            return self.title[self.title.rindex("(") + 1 : -1]
        return self.title

    @property
    def needs_licence(self) -> bool:
        return self.licence == "clinic-licence"

    @property
    def rule(self) -> scoring.Rule:
        return scoring.RULES[self.key]

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.items if i.link_id == link_id), None)


def _extension(resource: dict[str, Any], url: str) -> Any:
    for ext in resource.get("extension", []):
        if ext.get("url") == url:
            return next((v for k, v in ext.items() if k.startswith("value")), None)
    return None


def _items(raw: list[dict[str, Any]], group: str = "") -> list[Item]:
    out: list[Item] = []
    for item in raw:
        if item.get("type") == "group":
            out += _items(item.get("item") or [], item.get("text", ""))
            continue
        if item.get("type") != "choice" or not item.get("linkId") or not item.get("text"):
            raise BadDefinition(
                f"item {item.get('linkId')!r} needs a linkId, a text and type choice"
            )
        options = []
        for option in item.get("answerOption") or []:
            coding = option.get("valueCoding") or {}
            value = _extension(option, ORDINAL)
            if not coding.get("code") or not isinstance(value, (int, float)) or value != int(value):
                raise BadDefinition(
                    f"item {item['linkId']!r}: every answer needs a code and a whole ordinalValue"
                )
            options.append(Option(coding["code"], coding.get("display", ""), int(value)))
        if len(options) < 2:
            raise BadDefinition(f"item {item['linkId']!r} needs at least two answers")
        out.append(Item(item["linkId"], item["text"], tuple(options), group))
    return out


def parse(path: Path) -> Instrument:
    """One file as an Instrument, or BadDefinition naming the file and the problem."""
    try:
        resource = json.loads(path.read_text(encoding="utf-8"))
        if resource.get("resourceType") != "Questionnaire":
            raise BadDefinition("not a FHIR Questionnaire")
        key = resource.get("id")
        if key != path.stem or key not in scoring.RULES:
            raise BadDefinition(f"id {key!r} must be the file's name and have a scoring rule")
        if resource.get("url") != f"{BASE}/Questionnaire/{key}":
            raise BadDefinition("its url must be the product's canonical for its id")
        licence = _extension(resource, LICENCE)
        if licence not in LICENCES:
            raise BadDefinition(f"licence must be one of {LICENCES}")
        codes = resource.get("code") or []
        if not codes or not codes[0].get("code"):
            raise BadDefinition("it needs a code for the instrument")
        items = _items(resource.get("item") or [])
        if len({i.link_id for i in items}) != len(items) or not items:
            raise BadDefinition("its items need distinct linkIds")
        return Instrument(
            key=key, url=resource["url"], title=resource.get("title") or key,
            description=resource.get("description", ""), licence=licence,
            source=_extension(resource, SOURCE) or "", copyright=resource.get("copyright", ""),
            code=codes[0], items=tuple(items), resource=resource,
        )  # fmt: skip
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise BadDefinition(f"{path.name}: {error}") from error
    except BadDefinition as error:
        raise BadDefinition(f"{path.name}: {error}") from error


@functools.cache
def load(folder: Path | None = None) -> dict[str, Instrument]:
    """Every instrument of `folder` (the product's by default), by key; raises
    BadDefinition for the first bad file."""
    folder = folder or DEFINITIONS
    found = {i.key: i for i in (parse(p) for p in sorted(folder.glob("*.json")))}
    missing = set(scoring.RULES) - set(found)
    if missing:
        raise BadDefinition(f"{folder}: no definition for {sorted(missing)}")
    return found


def get(key: str) -> Instrument:
    return load()[key]


def all_instruments() -> list[Instrument]:
    return list(load().values())
