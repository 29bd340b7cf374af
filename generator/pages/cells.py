"""Readers of the values pages write in table cells and property descriptions.

A type cell (``String collection``, ``Collection(x)``, a linked type), the "Required." or
"Optional." of a description, its "Nullable." / "Not nullable.", its "Inherited from
[x](...)" and "Possible values are ..." sentences, and a whole property row read from them.
Every section reader that meets a property-like table uses these, so a cell means the same
wherever it stands. Links are inline (``[text](target)``) or reference-style (``[text][]``,
``[text][label]``, with ``[label]: target`` defined elsewhere on the page).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from generator.pages.model import PropertyRow, TypeText

LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
# A reference-style link: ``[text][label]``, ``[text][]`` or ``[text]`` (label: the text).
REF_LINK = re.compile(r"(?<![\]!])\[([^\[\]]+)\](?:\[([^\]]*)\]|(?![(:\[]))")
# A reference definition, ``[label]: target`` (a paragraph joins the lines of several).
LINK_DEFINITION = re.compile(r"(?:^|\s)\[([^\]]+)\]:\s*<?([^\s>]+)>?")
_NOT_NULLABLE = re.compile(r"\b(?:not|non)[\s-]?nullable\b|\bcannot be null\b", re.IGNORECASE)
_NULLABLE = re.compile(r"\bnullable\b|\bcan be null\b|\bor null\b", re.IGNORECASE)
# A note after the type name in its cell: ``String (readonly)``, ``Int32 (optional)``.
_TYPE_NOTE = re.compile(r"(.+?)\s*\(\s*[A-Za-z][\w\s,-]*\)")
_REQUIRED = re.compile(r"\b(Required|Optional)\s*\.", re.IGNORECASE)
_INHERITED = re.compile(r"Inherited from\s*\[([^\]]+)\]\([^)]*\)\s*\.?", re.IGNORECASE)
_POSSIBLE = re.compile(
    r"possible values (?:are|include)\s*:?\s*((?:`[^`]+`(?:\s*,\s*|\s*,?\s*(?:and|or)\s+|\s*))+)",
    re.IGNORECASE,
)


def plain(text: str) -> str:
    """Markdown to plain text: links become their text, bold/italic marks go."""
    text = LINK.sub(lambda m: m.group(1), text)
    text = REF_LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def link_label(text: str, label: str | None) -> str:
    """The label a reference-style link ``[text][label]`` is defined under (case-folded)."""
    return re.sub(r"\s+", " ", (label or plain(text)).strip("*` ")).lower()


def first_link(text: str) -> tuple[str | None, str | None]:
    """(target, None) of the first inline link, (None, label) of a reference-style one."""
    inline, ref = LINK.search(text), REF_LINK.search(text)
    if inline and (ref is None or inline.start() <= ref.start()):
        return inline.group(2).strip() or None, None
    if ref:
        return None, link_label(ref.group(1), ref.group(2))
    return None, None


def read_type(cell: str) -> TypeText:
    """A type cell: ``String``, ``String collection``, ``Collection(x)``, ``[x](..) collection``,
    ``Edm.Int32``, ``microsoft.graph.x``, ``String (readonly)`` (the note is not the type)."""
    raw = cell.strip()
    link, label = first_link(raw)
    text = re.sub(r"\s+", " ", plain(raw).replace("`", "")).strip(" *")
    # Prose after the type ("x collection. Holds grades ...") and "x resource" are not the type.
    text = re.sub(r"(?<=\w)\.\s.*$", "", text).rstrip(".")
    text = re.sub(r"(?<=\w)\s+(?:resource|object|entity)s?$", "", text, flags=re.IGNORECASE)
    collection = False
    m = re.fullmatch(r"Collection\s*\(([^()]+)\)", text, re.IGNORECASE)
    if m:
        text, collection = m.group(1).strip(), True
    note = _TYPE_NOTE.fullmatch(text)
    if note and not note.group(1).lower().endswith("collection"):
        text = note.group(1).strip()
    m = re.fullmatch(r"(.+?)\s+collection", text, re.IGNORECASE) or re.fullmatch(
        r"(?:a\s+)?collection of\s+(.+?)(?:\s+objects?)?", text, re.IGNORECASE
    )
    if m:
        text, collection = m.group(1).strip(), True
    m = re.fullmatch(r"Collection\s*\(([^()]+)\)", text, re.IGNORECASE)
    if m:  # "Collection(x) (readonly)": the note came off first
        text, collection = m.group(1).strip(), True
    if text.lower().startswith("edm."):
        text = text[4:]
    return TypeText(raw, text, collection, link, label)


def link_definitions(paragraph: str) -> dict[str, str]:
    """The ``[label]: target`` definitions of a paragraph made of them (else none)."""
    if not re.match(r"\s{0,3}\[[^\]]+\]:", paragraph):
        return {}
    return {link_label(m.group(1), ""): m.group(2) for m in LINK_DEFINITION.finditer(paragraph)}


def links(text: str) -> list[tuple[str | None, str | None, str]]:
    """Every link of a text, in order: (target, None, text) inline, (None, label, text)
    reference-style; the text is the link's, as plain text."""
    found: list[tuple[int, str | None, str | None, str]] = [
        (m.start(), m.group(2).strip() or None, None, plain(m.group(1)).strip("*` "))
        for m in LINK.finditer(text)
    ]
    found += [
        (m.start(), None, link_label(m.group(1), m.group(2)), plain(m.group(1)).strip("*` "))
        for m in REF_LINK.finditer(text)
    ]
    return [(target, label, shown) for _, target, label, shown in sorted(found, key=lambda f: f[0])]


def with_link(text: TypeText, definitions: Mapping[str, str]) -> TypeText:
    """The type cell with its reference-style link resolved by the page's definitions."""
    if text.label is None or text.label not in definitions:
        return text
    return TypeText(text.raw, text.name, text.collection, definitions[text.label], None)


def read_nullable(description: str) -> bool | None:
    """True for "Nullable.", False for "Not nullable.", None when the page says neither."""
    if _NOT_NULLABLE.search(description):
        return False
    return True if _NULLABLE.search(description) else None


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
    noted = re.fullmatch(r"(\S+)\s*\((deprecated)\)", name, re.IGNORECASE)
    if noted:  # "backupReviewers (deprecated)": the note is not part of the name
        name = noted.group(1)
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
        nullable=read_nullable(description),
        deprecated=noted is not None,
    )
