"""`generator.sdk.layout` lays long lines out as black would, so black formats in one pass.

Black's result never depends on the layout (it formats every file); what layout buys is
speed, so these tests hold its lines already black-stable, and the rendered golden SDKs'
client, models and validators modules stable as a whole.
"""

from __future__ import annotations

import black
import pytest
from helpers import ROOT, rendered, synthetic_spec

from generator.output.format import _MODE
from generator.sdk.layout import layout

LONG = "x" * 30

CASES = [
    # fits: unchanged
    "value = call(a, b)",
    # a call's arguments on one indented line
    f"result = some_function({LONG}, {LONG}, another_argument_name)",
    # ... or one per line, with a trailing comma, when they do not fit there either
    f"result = some_function({LONG}, {LONG}, {LONG}, {LONG}, {LONG})",
    # a literal's items are always one per line
    f"values = {{'{LONG}': 1, '{LONG}': 2, 'c': 3}}",
    f"names = (\"{LONG}\", \"{LONG}\", \"{LONG}\", \"more\")",
    # a long item is split in turn
    f"_C1 = _v.array(_v.string(enum=(\"{LONG}\", \"{LONG}\", \"{LONG}\", \"{LONG}\")))",
    # a signature whose return annotation has brackets too
    f"    def method_name_{LONG}(self, thing_id: str, *, select: list[str] | None = None) -> Iterator[Thing]:",
    # the opening line itself too long: split at the first bracket
    f"    def {LONG}{LONG}{LONG}{LONG}(self, *, headers: Headers = None) -> Thing:",
    # a one-element tuple
    f"    ({LONG}.FieldSpec(\"{LONG}\", \"{LONG}\", decode),),",
]


def _black(text: str) -> str:
    return black.format_str(text, mode=_MODE)


@pytest.mark.parametrize("line", CASES)
def test_layout_gives_what_black_gives(line: str) -> None:
    source = line.replace("'", '"') + "\n"
    if source.startswith("    def "):
        source = f"class C:\n{source}        pass\n"
    elif source.startswith("    "):
        source = f"x = [\n{source}]\n"
    laid_out = "\n".join(layout(part) for part in source.split("\n"))
    assert laid_out == _black(source), laid_out


def test_layout_leaves_lines_it_cannot_read_alone() -> None:
    for line in ["x = (" + "a, " * 40, "x = 'unterminated " + "a" * 100, "é" * 120 + " = f(a, b)"]:
        assert layout(line) == line


@pytest.mark.parametrize("spec", ["specs/seed.yaml", "specs/learning.yaml", "tests/golden/edge/spec.yaml"])
def test_rendered_modules_are_already_black_stable(spec: str) -> None:
    files = rendered((ROOT / spec).read_text(encoding="utf-8"), spec)
    for name in _modules(files):
        text = files[name]
        assert _black(text) == text, f"{spec}: {name} is not laid out as black lays it out"


def test_the_synthetic_graph_spec_renders_black_stable() -> None:
    files = rendered(synthetic_spec(40, 80), "synthetic.json")
    for name in _modules(files):
        text = files[name]
        assert _black(text) == text, name


def _modules(files: dict[str, str]) -> list[str]:
    """The rendered modules: the client, the validators and every module in `models/`."""
    models = sorted(name for name in files if name.startswith("pkg/models/"))
    assert "pkg/models/__init__.py" in models and len(models) > 2
    return ["pkg/client.py", "pkg/validators.py", *models]


def test_the_runtime_files_copied_as_they_are_are_black_stable() -> None:
    # Copied verbatim into every SDK, so black formats them in one pass only if they are.
    folder = ROOT / "templates" / "package" / "__package__"
    for path in sorted(folder.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert _black(text) == text, path.name
