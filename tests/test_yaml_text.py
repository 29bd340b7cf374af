"""`dump_yaml` writes the spec exactly as PyYAML's SafeDumper would, only faster."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.spec.yaml_text import _PLAIN_WORDS, SpecDumper, dump_yaml, pyyaml_dump
from tests.helpers import ROOT

_SPECS = sorted(
    [*ROOT.glob("specs/*.yaml"), *ROOT.glob("tests/golden/*/spec.yaml")],
    key=str,
)

# Scalars that exercise every style PyYAML picks: plain, single-quoted (also over several
# lines, whose continuation depends on the indent), double-quoted, and types the resolver
# would read back as something else.
_ATOMS = [
    "",
    " ",
    "a",
    "a b",
    " lead",
    "trail ",
    "it's",
    "'q'",
    '"dq"',
    "a\nb",
    "a\n\nb",
    "\nx",
    "x\n",
    "a \nb",
    "a\n b",
    "- x",
    "? x",
    ": x",
    "a: b",
    "a #c",
    "#c",
    "[x]",
    "{x}",
    "x,y",
    "&a",
    "*a",
    "!t",
    "|",
    ">",
    "%",
    "@",
    "`",
    "yes",
    "no",
    "on",
    "true",
    "False",
    "null",
    "~",
    "1",
    "0x1F",
    "1.5",
    "1e3",
    ".inf",
    ".nan",
    "2024-01-01",
    "12:30",
    "1_000",
    "é",
    "日本",
    "\t",
    "a\tb",
    "\r",
    "\x85",
    "a\u2028b",
    "\ufeff",
    "\x00",
    "emoji 😀",
    "a\\b",
    "=",
    "<<",
    "---",
    "x" * 130,
    "y" * 1100,
    "a\n\n\n",
    "  \n  ",
    "\u00a0",
    "a'b\nc'd",
    "-",
]
_OTHER = [0, -1, 10**20, 1.0, -2.5, 1e17, float("inf"), float("nan"), True, False, None]


def _scalar(rng: random.Random) -> Any:
    if rng.random() < 0.75:
        text = rng.choice(_ATOMS)
        return text + rng.choice(_ATOMS) if rng.random() < 0.3 else text
    return rng.choice(_OTHER)


def _node(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 5 or roll < 0.4:
        return _scalar(rng)
    if roll < 0.7:
        return {_scalar(rng): _node(rng, depth + 1) for _ in range(rng.randint(0, 5))}
    return [_node(rng, depth + 1) for _ in range(rng.randint(0, 5))]


@pytest.mark.parametrize("path", _SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_spec_apigen_ships_is_written_byte_for_byte_as_pyyaml_writes_it(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert dump_yaml(data) == pyyaml_dump(data)


def test_hostile_scalars_and_shapes_are_written_as_pyyaml_writes_them() -> None:
    rng = random.Random(1818)
    for _ in range(300):
        doc = {f"k{i}{rng.choice(_ATOMS)}": _node(rng, 1) for i in range(rng.randint(0, 6))}
        assert dump_yaml(doc) == pyyaml_dump(doc), repr(doc)[:400]


def test_the_plain_shortcut_agrees_with_pyyamls_analysis() -> None:
    dumper = SpecDumper(io.StringIO(), allow_unicode=True)
    rng = random.Random(7)
    alphabet = "aZ09_/(.,)+=- :#'\"é\t"
    checked = 0
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
        if _PLAIN_WORDS.match(text):
            analysis = dumper.analyze_scalar(text)
            assert analysis.allow_block_plain and not analysis.multiline, repr(text)
            checked += 1
    assert checked > 1000
