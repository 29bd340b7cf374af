"""sections: a YAML spec read one top-level section at a time, each remembered by its text.

A rebuild after a small edit changes one section of a large spec (`components` when a
schema's description changes, `paths` when an operation's does); the other sections are
read back from the cache as JSON, ten times faster than parsing their YAML again.

The spec is cut only where that cannot change what it says: every line at column 0 must
start a plain `name:` key, continue a list written at column 0 (`- `), or be a comment or
blank, and each section must read as a mapping of just its key, no key repeating. Anything
else (flow style, `---`, directives, a section that does not read cleanly) is parsed whole,
which is also what gives the canonical error with its line.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
from pathlib import Path
from typing import Any

import yaml

from generator import spec_io
from generator.cache import Cache, key
from generator.errors import InputError
from generator.spec_io import SpecFile, parse_spec_text

__all__ = ["parse_spec"]

# A cached section is what this code and the reader made of its text: both are in the key.
_READER = hashlib.sha256(
    Path(spec_io.__file__).read_bytes() + Path(__file__).read_bytes() + yaml.__version__.encode()
).hexdigest()

# A block-mapping key at some indentation: `  name:` followed by a space or the line's end.
_NAME = r"[A-Za-z_/][A-Za-z0-9_.{}()=',$@/-]*:(?:[ \t]|\r?$)"  # `name:` or `/path/{id}:`
_KEY = re.compile(rf"( *){_NAME}", re.MULTILINE)
# A key whose value is a block on the following lines (nothing after the colon but a comment).
_BLOCK_HEAD = re.compile(r" *[A-Za-z_/][A-Za-z0-9_.{}()=',$@/-]*:[ \t]*(?:#.*)?\r?")
# Sections are read in groups of neighbouring keys of about this size; a larger one whose
# value is a block mapping (`paths`, `components`, `schemas`) is read key by key in turn.
_GROUP_CHARS = 64 * 1024
_MAX_NESTING = 3


def parse_spec(text: str, source: str, cache: Cache) -> SpecFile:
    """`spec_io.parse_spec_text`'s result, reading unchanged sections from ``cache``."""
    data = None
    if not source.endswith(".json") and cache.folder is not None:
        data = _mapping(text, 0, len(text), 0, _MAX_NESTING, source, cache)
    if data is None:
        return parse_spec_text(text, source)
    return SpecFile(source, data, text)


def _mapping(
    text: str, start: int, end: int, indent: int, nesting: int, source: str, cache: Cache
) -> dict[str, Any] | None:
    """The block mapping whose keys stand at ``indent`` in ``text[start:end]``, read in
    groups of keys; None when it cannot be cut safely or a group does not read cleanly."""
    cuts = _cuts(text, start, end, indent)
    if cuts is None:
        return None
    data: dict[str, Any] = {}
    bounds = [*cuts, end]
    group_start, keys = cuts[0], 0
    for index, (key_start, key_end) in enumerate(itertools.pairwise(bounds)):
        nested = None
        if nesting > 0 and key_end - key_start > _GROUP_CHARS:
            nested = _nested(text, key_start, key_end, nesting - 1, source, cache)
        if nested is not None:
            if not _add(data, _read(text[group_start:key_start], keys, source, cache)):
                return None
            if not _add(data, nested):
                return None
            group_start, keys = key_end, 0
            continue
        keys += 1
        if key_end - group_start >= _GROUP_CHARS or index == len(cuts) - 1:
            if not _add(data, _read(text[group_start:key_end], keys, source, cache)):
                return None
            group_start, keys = key_end, 0
    return data


def _add(data: dict[str, Any], part: dict[str, Any] | None) -> bool:
    """Merge ``part`` into ``data``; False for a part that did not read or a repeated key."""
    if part is None or any(name in data for name in part):
        return False
    data.update(part)
    return True


def _nested(
    text: str, start: int, end: int, nesting: int, source: str, cache: Cache
) -> dict[str, Any] | None:
    """A large key whose value is a block mapping, read key by key: {key: {...}}."""
    head_end = text.find("\n", start, end)
    if head_end < 0 or not _BLOCK_HEAD.fullmatch(text, start, head_end):
        return None
    body = text.find("\n", head_end + 1, end)
    first = _KEY.match(text, head_end + 1, end)
    if first is None or body < 0:
        return None
    child_indent = len(first.group(1))
    if child_indent <= len(text[start:head_end]) - len(text[start:head_end].lstrip(" ")):
        return None
    value = _mapping(text, head_end + 1, end, child_indent, nesting, source, cache)
    try:
        head = spec_io.read_yaml(text[start : head_end + 1], source)
    except (InputError, ValueError, yaml.YAMLError):
        return None
    if value is None or not isinstance(head, dict) or len(head) != 1:
        return None
    return {next(iter(head)): value}


def _cuts(text: str, start: int, end: int, indent: int) -> list[int] | None:
    """Where each key at ``indent`` starts in ``text[start:end]`` (the first cut at
    ``start``, so leading comments go with the first key), or None when some line is
    neither such a key, nor deeper (its value), nor a list item at ``indent`` after a key,
    nor a comment or blank."""
    keys, odd = _patterns(indent)
    found = [m.start() for m in keys.finditer(text, start, end)]
    if not found or odd.search(text, start, end):
        return None
    if text[start : found[0]].strip(" \r\n") and not _only_comments(text[start : found[0]]):
        return None  # something before the first key
    return [start, *found[1:]]


def _only_comments(text: str) -> bool:
    return all(line.lstrip(" ")[:1] in ("", "#", "\r") for line in text.split("\n"))


@functools.cache
def _patterns(indent: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a key at ``indent``, a line that is none of the lines `_cuts` accepts)."""
    name = _NAME
    keys = re.compile(rf"^ {{{indent}}}{name}", re.MULTILINE)
    odd = re.compile(
        rf"^(?! {{{indent + 1}}})(?! {{{indent}}}(?:{name}|-(?: |\r?$)))(?! *(?:#|\r?$))",
        re.MULTILINE,
    )
    return keys, odd


def _read(section: str, keys: int, source: str, cache: Cache) -> dict[str, Any] | None:
    """A group of ``keys`` keys' data, from the cache or parsed (and then remembered); None
    when it does not read cleanly on its own as a mapping of exactly that many keys."""
    if keys == 0:
        return {}  # only comments and blank lines
    digest = key("yaml-section", _READER, section)
    hit = cache.get(digest)
    if hit is not None:
        try:
            remembered = json.loads(hit)
        except ValueError:
            remembered = None
        if isinstance(remembered, dict) and len(remembered) == keys:
            return remembered
    try:
        value = spec_io.read_yaml(section, source)
    except (InputError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(value, dict) or len(value) != keys:
        return None
    try:
        cache.put(digest, json.dumps(value, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError):
        pass  # a date or another value JSON cannot hold: used, not remembered
    return value
