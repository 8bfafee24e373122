"""Quantities: display names, units, definitions and the phrases that name them in text.

The vocabulary lives in a TOML file (``data/quantities.toml``; the same form for a user's
own file): one table per quantity with ``label``, ``unit``, ``definition`` and ``phrases``.
Figures and reports take the label and unit from it; ``trends extract`` takes the phrases.
A quantity missing from the vocabulary still works everywhere, under a label made from its
id.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QuantitiesError

__all__ = ["Quantity", "DEFAULT_PATH", "read_quantities", "parse_quantities", "describe"]

#: The project's vocabulary, beside the claims it describes.
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "quantities.toml"
_KEYS = {
    "label": str,
    "unit": str,
    "definition": str,
    "phrases": list,
    "context": list,
    "since": str,
    "kind": str,
    "weak": bool,
}
_KINDS = ("rate", "total", "target", "stock")


@dataclass(frozen=True)
class Quantity:
    """How one quantity is named and what it counts.

    Parameters
    ----------
    name : str
        The id used in the claims file's ``quantity`` column.
    label : str
        Display name for figures and tables ("EU ammunition production").
    unit : str
        What one unit of the count is ("people"); empty when unknown.
    definition : str
        One sentence saying what is counted; empty when unknown.
    phrases : tuple of str
        Lower-case nouns and phrases that name the quantity in text.
    context : tuple of str
        Lower-case words of which one must also stand near the phrase for the text to
        name this quantity ("european union" for EU production); an entry whose context
        matches wins over one without context.
    since : datetime.date or None
        Where a count of this quantity with no window in the text starts (losses are
        counted since the full-scale invasion, 2022-02-24); None: no default.
    kind : str
        The kind a figure of this quantity has when the text gives no cue (``stock`` for
        troop numbers); empty: ``total``.
    weak : bool
        Its phrases ("soldiers") name it only when no other quantity's phrase stands in
        the same clause, so "lost 5,000 soldiers" counts losses, not troops.
    """

    name: str
    label: str
    unit: str = ""
    definition: str = ""
    phrases: tuple[str, ...] = field(default=())
    context: tuple[str, ...] = field(default=())
    since: dt.date | None = None
    kind: str = ""
    weak: bool = False


def describe(name: str, vocabulary: Mapping[str, Quantity] | None = None) -> Quantity:
    """The entry for ``name``, or one with a label made from the id ("emigrants" -> "Emigrants")."""
    if vocabulary is None:
        vocabulary = read_quantities()
    if name in vocabulary:
        return vocabulary[name]
    text = str(name).replace("_", " ").strip()
    return Quantity(name=name, label=text[:1].upper() + text[1:])


def parse_quantities(text: str, *, source: str = "<quantities>") -> dict[str, Quantity]:
    """Read a vocabulary from TOML text; every problem at once, naming the key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuantitiesError(f"{source}: not valid TOML ({exc}); fix the syntax") from None
    problems: list[str] = []
    out: dict[str, Quantity] = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            problems.append(
                f"{source}: [{name}] must be a table of label, unit, definition, phrases"
            )
            continue
        for key, value in entry.items():
            want = _KEYS.get(key)
            if want is None:
                problems.append(f"{source}: [{name}] unknown key '{key}'; use {', '.join(_KEYS)}")
            elif not isinstance(value, want) or (
                want is list and not all(isinstance(p, str) for p in value)
            ):
                kind = {list: "a list of strings", bool: "true or false"}.get(want, "a string")
                problems.append(f"{source}: [{name}] {key} must be {kind}")
        since = None
        if isinstance(entry.get("since"), str):
            try:
                since = dt.date.fromisoformat(entry["since"])
            except ValueError:
                problems.append(f"{source}: [{name}] since must be a date YYYY-MM-DD")
        if entry.get("kind", "") not in ("", *_KINDS):
            problems.append(f"{source}: [{name}] kind must be one of {', '.join(_KINDS)}")
        if any(p.startswith(f"{source}: [{name}]") for p in problems):
            continue
        out[name] = Quantity(
            name=name,
            label=entry.get("label") or describe(name, {}).label,
            unit=entry.get("unit", ""),
            definition=entry.get("definition", ""),
            phrases=tuple(p.strip().lower() for p in entry.get("phrases", ()) if p.strip()),
            context=tuple(p.strip().lower() for p in entry.get("context", ()) if p.strip()),
            since=since,
            kind=entry.get("kind", ""),
            weak=entry.get("weak", False),
        )
    if problems:
        raise QuantitiesError("\n".join(problems))
    return out


def read_quantities(
    path: str | os.PathLike | None = None, *, base: Mapping[str, Quantity] | None = None
) -> dict[str, Quantity]:
    """Read a vocabulary file; entries override those of ``base`` of the same name.

    Parameters
    ----------
    path : path, optional
        A TOML file of the form of ``data/quantities.toml``. Default: that file (an empty
        vocabulary if it is not there, as in an installed copy without the project's data).
    base : mapping, optional
        Entries to start from, e.g. the project's vocabulary when ``path`` is a user's file.
    """
    out = dict(base or {})
    if path is None:
        if not DEFAULT_PATH.is_file():
            return out
        path = DEFAULT_PATH
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuantitiesError(f"{path}: cannot read ({exc})") from None
    out.update(parse_quantities(text, source=str(path)))
    return out
