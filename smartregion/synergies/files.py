"""The file interface of the engine: actors as JSON Lines in, suggestions as JSON Lines out.

Input, one actor per line, every field but "id" optional:
    {"id": "...", "name": "...", "kind": "company", "description": "...", "topics": ["..."],
     "offers": [{"title": "...", "description": "..."}], "needs": [...],
     "municipality": "<AGS>", "lat": 51.5, "lon": 7.1, "member": true}
Offers and needs may also carry "topics" and "audiences" (lists of strings). Unknown fields
are ignored, so files written for a later version still load. Null counts as absent.
Output, one line per input actor in input order:
    {"id": "...", "suggestions": [{"id": "...", "score": 0.83, "kind": "need_offer",
                                   "reasons": ["..."]}]}
No Django here: the management command and the benchmarks share it.
"""

import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .engine import KINDS, Actor, Item, Suggestion

_TEXT_FIELDS = ("name", "description", "municipality")
_ITEM_FIELDS = ("offers", "needs")


class InputError(ValueError):
    """A malformed input line; the message names the file and line."""


def read_actors(path: str | os.PathLike) -> list[Actor]:
    name = Path(path).name
    actors: list[Actor] = []
    seen: dict[str, int] = {}
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below, errors named
    except OSError as exc:
        raise InputError(f"{name}: kann nicht gelesen werden ({exc.strerror}).") from exc
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue  # blank lines (a trailing newline) are no actors
                actor = parse_line(line, where=f"{name}, Zeile {number}")
                if actor.id in seen:
                    raise InputError(
                        f"{name}, Zeile {number}: ID „{actor.id}“ steht schon in Zeile "
                        f"{seen[actor.id]}."
                    )
                seen[actor.id] = number
                actors.append(actor)
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: keine UTF-8-Datei ({exc.reason}).") from exc
    return actors


def parse_line(line: str, *, where: str) -> Actor:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: kein gültiges JSON ({exc.msg}).") from exc
    if not isinstance(data, dict):
        raise InputError(f"{where}: erwartet ein JSON-Objekt je Zeile.")
    data = {key: value for key, value in data.items() if value is not None}
    identifier = data.get("id")
    if not isinstance(identifier, str) or not identifier.strip():
        raise InputError(f"{where}: Feld „id“ fehlt oder ist kein nicht-leerer Text.")
    texts = {key: _text(data, key, where) for key in _TEXT_FIELDS}
    kind = _text(data, "kind", where)
    if kind and kind not in KINDS:
        raise InputError(f"{where}: „kind“ muss eine von {', '.join(KINDS)} sein, nicht „{kind}“.")
    lat, lon = _coordinate(data, "lat", 90, where), _coordinate(data, "lon", 180, where)
    if (lat is None) != (lon is None):
        raise InputError(f"{where}: „lat“ und „lon“ nur gemeinsam angeben.")
    member = data.get("member", False)
    if not isinstance(member, bool):
        raise InputError(f"{where}: „member“ muss true oder false sein.")
    return Actor(
        id=identifier,
        kind=kind,
        topics=_strings(data, "topics", where),
        offers=_items(data, "offers", where),
        needs=_items(data, "needs", where),
        lat=lat,
        lon=lon,
        member=member,
        **texts,
    )


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise InputError(f"{where}: „{key}“ muss Text sein.")
    return value


def _strings(data: dict, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: „{key}“ muss eine Liste von Texten sein.")
    return tuple(v for v in value if v.strip())


def _coordinate(data: dict, key: str, limit: float, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where}: „{key}“ muss eine Zahl sein.")
    if abs(value) > limit:
        raise InputError(f"{where}: „{key}“ liegt außerhalb von ±{limit}.")
    return float(value)


def _items(data: dict, key: str, where: str) -> tuple[Item, ...]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InputError(f"{where}: „{key}“ muss eine Liste von Objekten sein.")
    items = []
    for n, raw in enumerate(value, start=1):
        here = f"{where}, {key}[{n}]"
        if not isinstance(raw, dict):
            raise InputError(f"{here}: erwartet ein Objekt mit „title“ und „description“.")
        raw = {k: v for k, v in raw.items() if v is not None}
        items.append(
            Item(
                title=_text(raw, "title", here),
                description=_text(raw, "description", here),
                topics=_strings(raw, "topics", here),
                audiences=_strings(raw, "audiences", here),
            )
        )
    return tuple(items)


def output_lines(actors: Sequence[Actor], results: Sequence[list[Suggestion]]) -> Iterable[str]:
    for actor, suggestions in zip(actors, results, strict=True):
        record = {"id": actor.id, "suggestions": [s.as_dict() for s in suggestions]}
        yield json.dumps(record, ensure_ascii=False) + "\n"


def write_atomically(path: str | os.PathLike, lines: Iterable[str]) -> None:
    """Write to a temporary file next to `path`, then rename: readers never see half a file."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
