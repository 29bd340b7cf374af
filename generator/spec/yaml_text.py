"""A spec as YAML text: exactly what PyYAML's SafeDumper writes, several times faster.

PyYAML's pure-Python emitter runs an event state machine for every node; on the corpus's
spec (90,000 nodes) it was half of `apigen spec`'s time. libyaml's emitter is fast but
writes keys of 128+ characters as ``? key`` (long Graph paths), so it would change every
spec. `dump_yaml` instead writes the block layout apigen's specs use (mappings, sequences,
``{}``/``[]`` when empty) itself, and leaves every decision about a scalar to PyYAML: its
representer gives the text and tag, its resolver and `analyze_scalar` pick the style, and
its writers quote it. Each distinct scalar is decided once. Anything outside that layout
(another type, a key that cannot be a simple key, a huge scalar) is written by PyYAML
itself, so the text is the same either way; tests compare the two on every spec apigen has.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import yaml
from yaml.nodes import ScalarNode

__all__ = ["SpecDumper", "dump_yaml", "pyyaml_dump"]

_WIDTH = 1_000_000  # no line is ever folded
# Past these sizes PyYAML could fold a line at the width; such rare documents go to PyYAML.
_MAX_SCALAR = 100_000
_MAX_INDENT = 10_000


class SpecDumper(yaml.SafeDumper):
    """SafeDumper that never writes YAML anchors/aliases (shared dicts are written out)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def check_simple_key(self) -> bool:
        # PyYAML writes keys of 128+ characters as "? key"; long Graph paths stay plain keys.
        event = self.event
        if isinstance(event, yaml.ScalarEvent):
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)
            analysis: Any = self.analysis
            return not analysis.empty and not analysis.multiline and len(analysis.scalar) < 1024
        return bool(super().check_simple_key())


def pyyaml_dump(data: Any) -> str:
    """``data`` written by PyYAML itself: insertion key order, unicode kept, no wrapping."""
    text: str = yaml.dump(
        data,
        Dumper=SpecDumper,
        sort_keys=False,
        allow_unicode=True,
        width=_WIDTH,
        default_flow_style=False,
    )
    return text


def dump_yaml(spec: Mapping[str, Any]) -> str:
    """The spec as YAML text, byte for byte what `pyyaml_dump` writes."""
    if type(spec) is not dict:
        return pyyaml_dump(spec)
    try:
        return _Writer().document(spec)
    except _Unsupported:
        return pyyaml_dump(spec)


class _Unsupported(Exception):
    """Something this writer does not lay out itself; PyYAML writes the whole document."""


_SCALARS = (str, int, bool, float, type(None))
# Scalars PyYAML's `analyze_scalar` always allows plain in block context: no indicator
# character first, no `: ` or ` #`, no quotes, single spaces only between words, nothing
# but printable ASCII.
_PLAIN_WORDS = re.compile(r"[A-Za-z0-9_/(][A-Za-z0-9_.,/()+=\-]*(?: [A-Za-z0-9_.,/()+=\-]+)*\Z")


class _Writer:
    """Block-style YAML for dicts, lists and plain scalars (see the module docstring)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.dumper = SpecDumper(
            io.StringIO(), allow_unicode=True, width=_WIDTH, default_flow_style=False
        )
        # (type, value) -> (text, whether it spans lines); multi-line texts depend on the
        # indent and are written per use. Keys have their own table: their rules differ.
        self.values: dict[tuple[type, Any], tuple[str, bool]] = {}
        self.keys: dict[tuple[type, Any], str] = {}

    def document(self, data: dict[str, Any]) -> str:
        if not data:
            return "{}\n"
        self.mapping(data, 0, "")
        self.out.append("\n")
        return "".join(self.out)

    def mapping(self, data: dict[Any, Any], indent: int, first: str) -> None:
        """A non-empty mapping whose keys start at column ``indent``; ``first`` goes before
        the first key (a new line, or the space after a sequence's dash)."""
        if indent > _MAX_INDENT:
            raise _Unsupported
        out, keys = self.out, self.keys
        newline = "\n" + " " * indent
        for key, value in data.items():
            text = keys.get((type(key), key))
            if text is None:
                text = self.key(key)
            out.append(first)
            out.append(text)
            out.append(":")
            first = newline
            self.value(value, indent, newline)

    def value(self, value: Any, indent: int, newline: str) -> None:
        """The value of a mapping entry (a sequence is indentless, as PyYAML writes it)."""
        kind = type(value)
        if kind is dict:
            if value:
                self.mapping(value, indent + 2, "\n" + " " * (indent + 2))
            else:
                self.out.append(" {}")
        elif kind is list:
            if value:
                self.sequence(value, indent, newline)
            else:
                self.out.append(" []")
        else:
            self.out.append(" ")
            self.out.append(self.scalar(value, indent + 2))

    def sequence(self, items: list[Any], indent: int, first: str) -> None:
        """A non-empty block sequence whose dashes stand at column ``indent``."""
        if indent > _MAX_INDENT:
            raise _Unsupported
        out = self.out
        newline = "\n" + " " * indent
        for item in items:
            out.append(first)
            out.append("-")
            first = newline
            kind = type(item)
            if kind is dict:
                if item:
                    self.mapping(item, indent + 2, " ")
                else:
                    out.append(" {}")
            elif kind is list:
                if item:
                    self.sequence(item, indent + 2, " ")
                else:
                    out.append(" []")
            else:
                out.append(" ")
                out.append(self.scalar(item, indent + 2))

    def scalar(self, value: Any, indent: int) -> str:
        """A scalar in value position; ``indent`` is where PyYAML continues its lines."""
        found = self.values.get((type(value), value))
        if found is None:
            found = self.values[(type(value), value)] = self.decide(value, is_key=False)
        text, multiline = found
        if multiline:
            return self.write(text, "'", indent, split=True)
        return text

    def key(self, key: Any) -> str:
        text, multiline = self.decide(key, is_key=True)
        if multiline:  # not a simple key: PyYAML writes "? key"
            raise _Unsupported
        self.keys[(type(key), key)] = text
        return text

    def decide(self, value: Any, *, is_key: bool) -> tuple[str, bool]:
        """How PyYAML writes ``value``: its text, or for a multi-line single-quoted scalar
        the raw value and True (its lines are indented where it is used)."""
        if type(value) not in _SCALARS:
            raise _Unsupported
        dumper = self.dumper
        node = dumper.represent_data(value)
        if not isinstance(node, ScalarNode) or len(node.value) > _MAX_SCALAR:
            raise _Unsupported
        text: str = node.value
        resolve: Any = dumper.resolve  # untyped in PyYAML
        implicit_plain = node.tag == resolve(ScalarNode, text, (True, False))
        if implicit_plain and len(text) < 1024 and _PLAIN_WORDS.match(text):
            # Words, digits and a few marks: `analyze_scalar` allows them plain.
            return text, False
        implicit_quoted = node.tag == resolve(ScalarNode, text, (False, True))
        analysis = dumper.analyze_scalar(text)
        if is_key and (analysis.empty or analysis.multiline or len(text) >= 1024):
            raise _Unsupported  # see SpecDumper.check_simple_key
        # Emitter.choose_scalar_style, outside any flow collection
        if (
            implicit_plain
            and not (is_key and (analysis.empty or analysis.multiline))
            and analysis.allow_block_plain
        ):
            return text, False
        if not implicit_quoted:
            raise _Unsupported  # PyYAML would write a tag
        if analysis.allow_single_quoted and not (is_key and analysis.multiline):
            if analysis.multiline:
                return text, True
            return "'" + text.replace("'", "''") + "'", False
        return self.write(text, '"', 0, split=not is_key), False

    def write(self, text: str, style: str, indent: int, *, split: bool) -> str:
        """``text`` quoted by PyYAML's own writer, continuing lines at ``indent``."""
        dumper = self.dumper
        stream = io.StringIO()
        dumper.stream = stream
        dumper.column, dumper.indent = 0, indent
        dumper.whitespace, dumper.indention = True, False
        if style == "'":
            dumper.write_single_quoted(text, split)
        else:
            dumper.write_double_quoted(text, split)
        return stream.getvalue()
