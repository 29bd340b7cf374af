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

import hashlib
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

_ROOT_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*:(?:[ \t]|\r?$)")


def parse_spec(text: str, source: str, cache: Cache) -> SpecFile:
    """`spec_io.parse_spec_text`'s result, reading unchanged sections from ``cache``."""
    cuts = None if source.endswith(".json") or cache.folder is None else _cuts(text)
    if cuts is None:
        return parse_spec_text(text, source)
    data: dict[str, Any] = {}
    for start, end in zip(cuts, [*cuts[1:], len(text)]):
        section = _read(text[start:end], source, cache)
        if section is None or len(section) != 1 or next(iter(section)) in data:
            return parse_spec_text(text, source)
        data.update(section)
    return SpecFile(source, data, text)


def _cuts(text: str) -> list[int] | None:
    """Where each top-level section starts (the first at 0), or None if the text cannot
    be cut safely."""
    cuts = [0]
    offset = 0
    seen_key = False
    for line in text.split("\n"):
        if _ROOT_KEY.match(line):
            if seen_key:
                cuts.append(offset)
            seen_key = True
        elif line[:1] not in ("", " ", "#", "\r") and not (
            seen_key and (line.startswith("- ") or line.rstrip("\r") == "-")
        ):
            return None
        offset += len(line) + 1
    return cuts if seen_key and len(cuts) > 1 else None


def _read(section: str, source: str, cache: Cache) -> dict[str, Any] | None:
    """One section's data, from the cache or parsed (and then remembered); None when it
    does not read cleanly on its own."""
    digest = key("yaml-section", _READER, section)
    hit = cache.get(digest)
    if hit is not None:
        try:
            remembered = json.loads(hit)
        except ValueError:
            remembered = None
        if isinstance(remembered, dict):
            return remembered
    try:
        value = spec_io.read_yaml(section, source)
    except (InputError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(value, dict):
        return None
    try:
        cache.put(digest, json.dumps(value, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError):
        pass  # a date or another value JSON cannot hold: used, not remembered
    return value
