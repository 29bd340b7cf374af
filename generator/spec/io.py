"""Reading spec files safely, keeping where each value stood.

Specs are untrusted: YAML aliases beyond a bounded expansion (the "billion laughs"
shape), duplicate keys, deep nesting, tags that construct objects and non-UTF-8 bytes are
refused with an `InputError` naming the file and line; anchors, aliases and `<<` merge keys
within the bound are read as copies of what they name. Each JSON pointer is mapped to its (line, column) so validation
errors and lint findings can point into the file.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from generator.errors import InputError
from generator.files import read_capped

# Limits that keep the work on a hostile spec bounded. Real OpenAPI documents nest a few
# dozen levels at most; the byte limit admits Graph v1.0, among the largest real specs.
MAX_DEPTH = 100
MAX_BYTES = 48 * 1024 * 1024  # Graph v1.0, one of the largest specs, is about 35 MB
# The most values YAML aliases may add to a document, counted as they are expanded: real
# specs alias a few shared pieces; a "billion laughs" needs this many before it is one.
MAX_ALIAS_VALUES = 100_000

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def escape_pointer_token(token: str | int) -> str:
    """One JSON pointer token (RFC 6901 `~0`, `~1`); line breaks and other unprintable
    characters are shown as `\\uXXXX`, so a pointer into a hostile key stays on one line
    in messages, SARIF and CI annotations."""
    text = str(token).replace("~", "~0").replace("/", "~1")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def pointer(*tokens: str | int) -> str:
    """Tokens to a JSON pointer (`("paths", "/a")` -> `/paths/~1a`)."""
    return "".join("/" + escape_pointer_token(token) for token in tokens)


@dataclass(frozen=True)
class SpecFile:
    """A spec read from disk: its data and, per JSON pointer, its 1-based line and column.

    The positions of a YAML spec are read from ``text`` when first asked for (to report an
    error, or by lint): a pointer and a position per value take more memory than the data
    itself, and a build that succeeds never needs them.
    """

    path: str
    data: Any
    text: str = ""  # the YAML or JSON text the positions come from
    _positions: list[dict[str, tuple[int, int]]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    @property
    def positions(self) -> dict[str, tuple[int, int]]:
        if not self._positions:
            found: dict[str, tuple[int, int]] = {}
            try:
                # JSON text is read as YAML for its positions (JSON is a subset of YAML 1.2;
                # what YAML 1.1 reads otherwise, such as a tab, leaves the positions out).
                found = _read_events(self.text, self.path, positions=True)[1] if self.text else {}
            except (InputError, yaml.YAMLError, ValueError):
                found = {}
            self._positions.append(found)
        return self._positions[0]

    def line_of(self, ptr: str) -> int | None:
        """The line of the value at ``ptr``, or of its nearest ancestor that has one."""
        while True:
            if ptr in self.positions:
                return self.positions[ptr][0]
            if not ptr:
                return None
            ptr = ptr.rsplit("/", 1)[0]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader (libyaml's when present); no tags beyond plain JSON-like data."""


_STR_TAG = "tag:yaml.org,2002:str"
_INTERN_MAX = 80
_NO_KEY = object()
_MERGE = object()  # the `<<` merge key of the mapping being read


# First characters for which a plain scalar may be something other than a string (a
# number, bool, null, ...): any other plain scalar is a string without asking the resolver.
_RESOLVED_FIRST = frozenset(_Loader.yaml_implicit_resolvers)


class _Frame:
    """An open mapping or sequence while the event stream is read."""

    __slots__ = ("anchor", "container", "is_map", "key", "merges", "ptr")

    def __init__(self, container: dict[str, Any] | list[Any], ptr: str, anchor: str | None) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.ptr = ptr
        self.key: Any = _NO_KEY
        self.anchor = anchor
        # The values of its `<<` merge keys, merged in when the mapping ends.
        self.merges: list[Any] = []


def count_values(value: Any, limit: int) -> int:
    """How many values ``value`` holds (itself included), counting no further than ``limit``."""
    count, stack = 0, [value]
    while stack and count <= limit:
        current = stack.pop()
        count += 1
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return count


def _copy(value: Any) -> Any:
    """A fresh copy of JSON-like data, so an alias never shares containers with its anchor."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _depth(value: Any) -> int:
    """How many levels of containers ``value`` holds (0 for a scalar)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, (dict, list)):
            deepest = max(deepest, level + 1)
            stack.extend(
                (v, level + 1) for v in (current.values() if isinstance(current, dict) else current)
            )
    return deepest


def _merge(frame: _Frame, fail: Any, event: Any) -> None:
    """Apply a mapping's `<<` merge keys: keys it does not set itself come from them."""
    target = frame.container
    assert isinstance(target, dict)
    for merged in frame.merges:
        for source in merged if isinstance(merged, list) else [merged]:
            if not isinstance(source, dict):
                raise fail("a `<<` merge key takes a mapping or a list of mappings", event)
            for key, value in source.items():
                target.setdefault(key, value)


def _read_events(
    text: str, source: str, *, positions: bool = False, depth: int = 0
) -> tuple[Any, dict[str, tuple[int, int]]]:
    """Build the data straight from the parser's events (libyaml's when present).

    One pass, no node tree: aliases, non-scalar and duplicate keys, extra documents,
    nesting past `MAX_DEPTH`, lone surrogates and non-finite numbers are refused where they
    occur, and each value's position is recorded under its JSON pointer (with
    ``positions``; ``depth`` counts levels above the text). Scalars are typed as PyYAML's
    safe loader types them; keys become
    strings (YAML 1.1 reads `200:` as an int and `on:` as a bool).
    """
    loader = _Loader("")
    resolve = loader.resolve
    constructors = loader.yaml_constructors
    found: dict[str, tuple[int, int]] = {}
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    # Anchored values by name (a container once it is complete); ``expanded`` counts the
    # values aliases added, against `MAX_ALIAS_VALUES`.
    anchors: dict[str, Any] = {}
    expanded = 0
    # Without a catch-all resolver, a plain scalar's first character decides whether the
    # resolver must be asked at all (PyYAML's safe loader has none).
    fast = None not in _Loader.yaml_implicit_resolvers

    def fail(message: str, event: Any) -> InputError:
        return InputError(message, file=source, line=event.start_mark.line + 1)

    # Plain scalars the resolver was asked about, by text: `type`, `object`, `true` and the
    # like come back by the ten thousand.
    resolved: dict[str, str] = {}

    def scalar(event: Any, *, key: bool = False) -> Any:
        tag = event.tag
        value = event.value
        if tag is None or tag == "!":
            implicit = event.implicit
            if fast and (not implicit[0] or (value and value[0] not in _RESOLVED_FIRST)):
                tag = _STR_TAG
            elif implicit == (True, False) and len(value) <= _INTERN_MAX:
                tag = resolved.get(value)
                if tag is None:
                    tag = resolved[value] = resolve(ScalarNode, value, implicit)
            else:
                tag = resolve(ScalarNode, value, implicit)
        if tag == _STR_TAG:
            if not value.isascii():
                _check_text(value, source)
            # Keys and short values repeat by the hundred thousand in a large spec ("type",
            # "string", a `$ref`): one shared copy of each keeps the data a third smaller.
            return sys.intern(value) if len(value) <= _INTERN_MAX else value
        build = constructors.get(tag)
        if build is None:
            raise fail(f"the YAML tag {tag!r} is not allowed in specs", event)
        node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        result = build(loader, node)
        if not key and isinstance(result, float) and not math.isfinite(result):
            raise fail(f"the number {value!r} is not allowed (JSON has no NaN or infinity)", event)
        if isinstance(result, str) and not result.isascii():
            _check_text(result, source)
        return result

    parser = _Loader(text)
    try:
        check_event, get_event = parser.check_event, parser.get_event
        event: Any
        while check_event():
            event = get_event()
            kind = type(event)
            alias = None
            if kind is yaml.ScalarEvent:
                value: Any = None
            elif kind is yaml.MappingStartEvent:
                value = {}
            elif kind is yaml.SequenceStartEvent:
                value = []
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = stack.pop()
                if done.merges:
                    _merge(done, fail, event)
                if done.anchor is not None:
                    anchors[done.anchor] = done.container
                continue
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise fail(
                        f"YAML aliases must name an anchor complete before them: *{event.anchor}",
                        event,
                    )
                alias = anchors[event.anchor]
                expanded += count_values(alias, MAX_ALIAS_VALUES - expanded)
                if expanded > MAX_ALIAS_VALUES:
                    raise fail(
                        f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values "
                        "(an alias bomb?)",
                        event,
                    )
                value = _copy(alias)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise fail("a spec file holds one YAML document", event)
                continue
            else:
                continue
            frame = stack[-1] if stack else None
            if frame is not None and frame.is_map and frame.key is _NO_KEY:
                if value is not None:
                    raise fail("mapping keys must be plain strings", event)
                if event.value == "<<" and event.implicit[0] and event.tag is None:
                    frame.key = _MERGE
                    continue
                name = scalar(event, key=True)
                text_key = str(name).lower() if isinstance(name, bool) else str(name)
                if text_key in frame.container:
                    raise fail(f"duplicate key {text_key!r}", event)
                frame.key = text_key
                continue
            ptr = ""
            if frame is not None and positions:
                if frame.is_map:
                    ptr = frame.ptr + "/" + escape_pointer_token(frame.key)
                else:
                    ptr = f"{frame.ptr}/{len(frame.container)}"
            if positions:
                mark = event.start_mark
                found[ptr] = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            if alias is not None:
                container = None
            elif value is None:
                value = scalar(event)
                if event.anchor is not None:
                    anchors[event.anchor] = value
                container = None
            else:
                container = value
            if frame is None:
                root = value
            elif frame.is_map and frame.key is _MERGE:
                frame.merges.append(value)
                frame.key = _NO_KEY
            elif frame.is_map:
                frame.container[frame.key] = value
                frame.key = _NO_KEY
            else:
                frame.container.append(value)  # type: ignore[union-attr]
            if alias is not None and depth + len(stack) + _depth(value) > MAX_DEPTH:
                raise fail(f"nesting deeper than {MAX_DEPTH} levels", event)
            if container is not None:
                if depth + len(stack) >= MAX_DEPTH:
                    raise fail(f"nesting deeper than {MAX_DEPTH} levels", event)
                stack.append(_Frame(container, ptr, event.anchor))
    finally:
        parser.dispose()
        loader.dispose()
    return root, found


def _normalise(value: Any, source: str) -> Any:
    """JSON data: refuse what a spec cannot hold, in one iterative walk (YAML is checked
    as it is read). Lone surrogates (they cannot be written as UTF-8 or TOML), NaN and
    infinities (no literal or JSON for them) and nesting deeper than `MAX_DEPTH`."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH and isinstance(current, (dict, list)):
            raise InputError(f"nesting deeper than {MAX_DEPTH} levels", file=source)
        if isinstance(current, dict):
            for key in current:  # JSON keys are strings
                _check_text(key, source)
            stack.extend((item, depth + 1) for item in current.values())
        elif isinstance(current, list):
            stack.extend((item, depth + 1) for item in current)
        elif isinstance(current, str):
            _check_text(current, source)
        elif isinstance(current, float) and not math.isfinite(current):
            raise InputError(
                f"the number {current!r} is not allowed (JSON has no NaN or infinity)", file=source
            )
    return value


def _check_text(text: str, source: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(
                f"a string holds a lone surrogate (U+{ord(text[exc.start]):04X}), which is not text",
                file=source,
            ) from None


def read_text(path: Path) -> str:
    """A file's text as UTF-8; an unreadable or undecodable file is an InputError."""
    raw = read_capped(path, MAX_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte {exc.start})", file=str(path), line=line) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError("NUL byte in text", file=str(path), line=line)
    return text


def read_yaml(text: str, source: str, *, depth: int = 0) -> Any:
    """YAML text to data, checked as `parse_spec_text` checks it, without its wrapping of
    errors (yaml's own and ValueError are raised as they are); ``depth`` is how deep in a
    larger document the text stands, counted against `MAX_DEPTH`."""
    return _read_events(text, source, depth=depth)[0]


def parse_spec_text(text: str, source: str) -> SpecFile:
    """Parse YAML or JSON spec text into plain data with positions."""
    if not text.strip():
        raise InputError("the spec is empty", file=source, line=1)
    if source.endswith(".json"):
        return _parse_json(text, source)
    try:
        data, _ = _read_events(text, source)
        if data is None:
            raise InputError("the spec is empty", file=source, line=1)
    except ValueError as exc:  # e.g. an integer longer than Python converts (4300 digits)
        raise InputError(f"invalid value: {_first_line(exc)}", file=source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", file=source, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=source) from None
    if not isinstance(data, dict):
        raise InputError("a spec must be a mapping at the top level", file=source, line=1)
    return SpecFile(source, data, text)


def _parse_json(text: str, source: str) -> SpecFile:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise InputError(f"duplicate key {key!r}", file=source)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=source, line=exc.lineno) from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", file=source) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4300 digits)
        raise InputError(f"invalid value: {_first_line(exc)}", file=source) from None
    if not isinstance(data, dict):
        raise InputError("a spec must be an object at the top level", file=source, line=1)
    return SpecFile(source, _normalise(data, source), text)


def _first_line(exc: Exception) -> str:
    text = str(exc).split(";")[0]
    return " ".join(text.split())


def read_spec(path: Path) -> SpecFile:
    """Read a spec file from disk (YAML or JSON)."""
    return parse_spec_text(read_text(path), str(path))
