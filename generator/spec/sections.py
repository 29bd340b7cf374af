"""sections: a YAML spec read in pieces, each piece remembered by its text.

A rebuild after a small edit changes one piece of a large spec (a schema's description, an
operation's summary); every other piece is read back from the cache as JSON, ten times
faster than parsing its YAML again.

A mapping is cut between its keys, into groups of neighbouring keys of about
`_GROUP_CHARS`; a larger key whose value is a block mapping (`paths`, `components`,
`schemas`) is cut the same way, up to `_MAX_NESTING` deep. A mapping is cut only where
that cannot change what the text says: every line must be one of its keys at their
indentation, a deeper line (a value), a list item at that indentation after a key, a
comment or a blank line; each group must read on its own as exactly its keys (with the
same limits, its depth in the document counted), and no key may repeat. Anything else
(flow style, `---`, directives, tabs, a group that does not read cleanly) is parsed whole,
which is also what gives the canonical error with its line.

Each group's cache entry also holds its `validity.validity_digest`, so the spec's digest is
made from those of its groups (a hash of the digests, in order, with the names of the
mappings cut key by key) without walking the whole spec again.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.cache import Cache, key
from generator.errors import InputError
from generator.spec import io as spec_io
from generator.spec import validity
from generator.spec.io import SpecFile, parse_spec_text
from generator.spec.validity import prose_below, validity_digest

__all__ = ["SectionedSpec", "parse_spec"]

# A cached section is what this code, the reader and the digest made of its text: all
# three are in the key.
_READER = hashlib.sha256(
    b"".join(Path(module.__file__ or "").read_bytes() for module in (spec_io, validity))
    + Path(__file__).read_bytes()
    + yaml.__version__.encode()
).hexdigest()

# A plain key (`name`, `x-ms-name`, `/path/{id}`) and a line that starts one, at some
# indentation: the key, then a colon followed by a space or the line's end.
_WORD = r"[A-Za-z_/][A-Za-z0-9_.{}()=',$@/-]*"
_NAME = rf"{_WORD}:(?:[ \t]|\r?$)"
_KEY = re.compile(rf"( *){_NAME}", re.MULTILINE)
# A key whose value is a block on the following lines (nothing after the colon but a comment).
_BLOCK_HEAD = re.compile(rf" *{_WORD}:[ \t]*(?:#.*)?\r?")
# Sections are read in groups of neighbouring keys of about this size; a larger one whose
# value is a block mapping (`paths`, `components`, `schemas`) is read key by key in turn.
_GROUP_CHARS = 64 * 1024
_MAX_NESTING = 3
_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class SectionedSpec:
    """A spec as read; ``digest`` is a `validity.validity_digest` of its data made from its
    groups' (see the module docstring), None when the spec was parsed whole."""

    spec: SpecFile
    digest: str | None


@dataclass(frozen=True)
class _Part:
    """Data read from some groups, and the digests of those groups, in order."""

    data: dict[str, Any]
    digests: list[str]


def parse_spec(text: str, source: str, cache: Cache) -> SectionedSpec:
    """`spec_io.parse_spec_text`'s result, reading unchanged sections from ``cache``."""
    part = None
    if not source.endswith(".json") and cache.folder is not None:
        part = _mapping(text, 0, len(text), 0, 0, True, source, cache)
    if part is None:
        return SectionedSpec(parse_spec_text(text, source), None)
    return SectionedSpec(SpecFile(source, part.data, text), key("sections", *part.digests))


def _mapping(
    text: str,
    start: int,
    end: int,
    indent: int,
    depth: int,
    prose: bool,
    source: str,
    cache: Cache,
) -> _Part | None:
    """The block mapping whose keys stand at ``indent`` in ``text[start:end]``, ``depth``
    mappings deep in the document, read in groups of keys (``prose``: whether its digest
    leaves prose out); None when it cannot be cut safely or a group does not read cleanly."""
    cuts = _cuts(text, start, end, indent)
    if cuts is None:
        return None
    whole = _Part({}, [])
    bounds = [*cuts, end]
    group_start, keys = cuts[0], 0

    def read(group_end: int) -> bool:
        section = text[group_start:group_end]
        return _add(whole, _read(section, keys, depth, prose, source, cache))

    for index, (key_start, key_end) in enumerate(itertools.pairwise(bounds)):
        nested = None
        if depth < _MAX_NESTING and key_end - key_start > _GROUP_CHARS:
            nested = _nested(text, key_start, key_end, depth, prose, source, cache)
        if nested is not None:
            if not read(key_start) or not _add(whole, nested):
                return None
            group_start, keys = key_end, 0
            continue
        keys += 1
        if key_end - group_start >= _GROUP_CHARS or index == len(cuts) - 1:
            if not read(key_end):
                return None
            group_start, keys = key_end, 0
    return whole


def _add(whole: _Part, part: _Part | None) -> bool:
    """Merge ``part`` into ``whole``; False for a part that did not read or a repeated key."""
    if part is None or any(name in whole.data for name in part.data):
        return False
    whole.data.update(part.data)
    whole.digests.extend(part.digests)
    return True


def _nested(
    text: str, start: int, end: int, depth: int, prose: bool, source: str, cache: Cache
) -> _Part | None:
    """A large key whose value is a block mapping, read key by key: {key: {...}}."""
    head_end = text.find("\n", start, end)
    if head_end < 0 or not _BLOCK_HEAD.fullmatch(text, start, head_end):
        return None
    first = _KEY.match(text, head_end + 1, end)
    head = text[start:head_end]
    if first is None or len(first.group(1)) <= len(head) - len(head.lstrip(" ")):
        return None
    try:
        named = spec_io.read_yaml(head + "\n", source, depth=depth)
    except (InputError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(named, dict) or len(named) != 1:
        return None
    name = next(iter(named))
    inner = prose and prose_below(name)
    value = _mapping(text, head_end + 1, end, len(first.group(1)), depth + 1, inner, source, cache)
    if value is None:
        return None
    # The name and the count of the digests frame the nested ones among their neighbours'.
    return _Part({name: value.data}, [f"{name!r} {len(value.digests)}", *value.digests])


def _cuts(text: str, start: int, end: int, indent: int) -> list[int] | None:
    """Where each key at ``indent`` starts in ``text[start:end]`` (the first cut at
    ``start``, so leading comments go with the first key), or None when some line is
    neither such a key, nor deeper (its value), nor a list item at ``indent`` after a key,
    nor a comment or blank."""
    keys, odd = _patterns(indent)
    found = [m.start() for m in keys.finditer(text, start, end)]
    if not found or odd.search(text, start, end):
        return None
    if not _only_comments(text[start : found[0]]):
        return None  # something before the first key
    return [start, *found[1:]]


def _only_comments(text: str) -> bool:
    """Whether every line of ``text`` is blank or a comment."""
    return all(line.lstrip(" ")[:1] in ("", "#", "\r") for line in text.split("\n"))


@functools.cache
def _patterns(indent: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a key at ``indent``, a line that is none of the lines `_cuts` accepts)."""
    keys = re.compile(rf"^ {{{indent}}}{_NAME}", re.MULTILINE)
    odd = re.compile(
        rf"^(?! {{{indent + 1}}})(?! {{{indent}}}(?:{_NAME}|-(?: |\r?$)))(?! *(?:#|\r?$))",
        re.MULTILINE,
    )
    return keys, odd


def _read(
    section: str, keys: int, depth: int, prose: bool, source: str, cache: Cache
) -> _Part | None:
    """A group of ``keys`` keys' data and validity digest, from the cache or parsed (and
    then remembered, as the digest's line, then the data's JSON); None when it does not
    read cleanly on its own as a mapping of exactly that many keys."""
    if keys == 0:
        return _Part({}, [])  # only comments and blank lines
    entry = key("yaml-section", _READER, str(depth), str(prose), section)
    hit = cache.get(entry)
    if hit is not None:
        digest, _, remembered = hit.partition("\n")
        try:
            value = json.loads(remembered)
        except ValueError:
            value = None
        if isinstance(value, dict) and len(value) == keys and _HEX.fullmatch(digest):
            return _Part(value, [digest])
    try:
        value = spec_io.read_yaml(section, source, depth=depth)
    except (InputError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(value, dict) or len(value) != keys:
        return None
    digest = validity_digest(value, prose=prose)
    try:
        remembered = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        pass  # a date or another value JSON cannot hold: used, not remembered
    else:
        cache.put(entry, f"{digest}\n{remembered}")
    return _Part(value, [digest])
