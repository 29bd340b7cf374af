"""Readers of the values pages write in table cells and property descriptions.

A type cell (``String collection``, ``Collection(x)``, a linked type), the "Required." or
"Optional." of a description, its "Inherited from [x](...)" and "Possible values are ..."
sentences, and a whole property row read from them. Every section reader that meets a
property-like table uses these, so a cell means the same wherever it stands.
"""

from __future__ import annotations

import re

from generator.pages.model import PropertyRow, TypeText

LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_REQUIRED = re.compile(r"\b(Required|Optional)\s*\.", re.IGNORECASE)
_INHERITED = re.compile(r"Inherited from\s*\[([^\]]+)\]\([^)]*\)\s*\.?", re.IGNORECASE)
_POSSIBLE = re.compile(
    r"possible values (?:are|include)\s*:?\s*((?:`[^`]+`(?:\s*,\s*|\s*,?\s*(?:and|or)\s+|\s*))+)",
    re.IGNORECASE,
)


def plain(text: str) -> str:
    """Markdown to plain text: links become their text, bold/italic marks go."""
    text = LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def read_type(cell: str) -> TypeText:
    """A type cell: ``String``, ``String collection``, ``Collection(x)``, ``[x](..) collection``."""
    raw = cell.strip()
    text = plain(raw).strip("` ")
    collection = False
    m = re.fullmatch(r"Collection\((.+)\)", text, re.IGNORECASE)
    if m:
        text, collection = m.group(1).strip(), True
    m = re.fullmatch(r"(.+?)\s+collection", text, re.IGNORECASE)
    if m:
        text, collection = m.group(1).strip(), True
    if text.lower().startswith("edm."):
        text = text[4:]
    return TypeText(raw, text, collection)


def read_required(description: str) -> bool | None:
    """True for "Required.", False for "Optional.", None if neither; the last one wins."""
    found = _REQUIRED.findall(description)
    if not found:
        return None
    return str(found[-1]).lower() == "required"


def read_inherited(description: str) -> str | None:
    m = _INHERITED.search(description)
    return m.group(1).strip() if m else None


def read_enum_values(description: str) -> tuple[str, ...]:
    m = _POSSIBLE.search(description)
    if not m:
        return ()
    return tuple(v.strip() for v in re.findall(r"`([^`]+)`", m.group(1)) if v.strip())


def property_row(cells: tuple[str, ...], line: int) -> PropertyRow:
    name = plain(cells[0]).strip("`* ")
    type_cell = cells[1] if len(cells) > 1 else ""
    description = cells[2] if len(cells) > 2 else ""
    return PropertyRow(
        name=name,
        type=read_type(type_cell),
        description=description,
        line=line,
        required=read_required(description),
        inherited_from=read_inherited(description),
        enum_values=read_enum_values(description),
    )
