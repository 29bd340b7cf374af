"""Property-based: a spec with hostile text in every field that reaches output never runs code.

Hypothesis builds small specs whose titles, descriptions, paths, operationIds, parameter and
header names, property names, enum values, defaults, examples, servers, `x-` extensions and
tags carry quotes of every kind, backslashes, triple quotes, braces, line breaks of every
kind, NUL, comment and path syntax and long runs, each wrapped in a unique marker. For each
spec the real CLI (in process, black included) either generates the SDK or exits 2 with one
line; every generated Python file parses; the marker is found only inside string tokens,
comments, or identifiers that `generator.sdk.naming` produced; TOML stays TOML; nothing is
written outside the output folder. Finally every generated package is imported in a fresh
process under an audit hook that fails on any file write, socket or subprocess.

CI runs `APIGEN_FUZZ_EXAMPLES` examples (default 150); set it to 5000 for the long run.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import json
import keyword
import os
import subprocess
import sys
import tokenize
import tomllib
import warnings
from pathlib import Path
from typing import Any

import black
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator import cli
from generator.output import format as format_stage
from generator.sdk.class_modules import module_names
from generator.sdk.load import load_api
from generator.spec.io import read_spec

EXAMPLES = int(os.environ.get("APIGEN_FUZZ_EXAMPLES", "150"))

PIECES = [
    "'",
    '"',
    "'''",
    '"""',
    "\\",
    "\\'",
    '\\"',
    "\\\\",
    "{}",
    "{0}",
    "{{",
    "}}",
    "{name}",
    "%s",
    "$x",
    "${x}",
    "\n",
    "\r",
    "\r\n",
    "\x00",
    "\x0b",
    "\x0c",
    "\x1b[2J",
    "\x85",
    "\u2028",
    "\u2029",
    "\t",
    "\ufeff",
    "\u202e",
    "#",
    "# type: ignore",
    "*/",
    "/*",
    "../",
    "../../etc/passwd",
    "/",
    "~1",
    "~0",
    "`",
    "```",
    "<!--",
    "-->",
    "</script>",
    "{% raw %}",
    "{{ 7*7 }}",
    "__import__('os').system('id')",
    '"); import os; os.system("id"); ("',
    "\\N{BULLET}",
    "\\u0041",
    "\\x41",
    "\U0001f600",
    "é",
    "ß",
    "日本",
    "0",
    "1e999",
    "None",
    "True",
    "class",
    "lambda: 0",
    '"""\nimport os\n"""',
    "\\\n",
    "x" * 300,
]

_SAFE_SCHEMA_NAMES = [
    "Thing",
    "class",
    "None",
    "UNSET",
    "Client",
    "to_dict",
    "1st",
    "a.b.c",
    "foo_bar",
    "fooBar",
    "x-y",
]


@st.composite
def hostile(draw: st.DrawFn, marker: str) -> str:
    """Text made of hostile pieces (and some random unicode), wrapped in ``marker``."""
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(PIECES),
                st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
                st.just("y" * 1200),
            ),
            min_size=1,
            max_size=6,
        )
    )
    return marker + "".join(parts) + marker


@st.composite
def specs(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A small spec with hostile text everywhere output can show it, and its marker."""
    marker = "PWN" + draw(st.text("0123456789abcdef", min_size=8, max_size=8))
    h = functools.partial(hostile, marker)

    def text() -> str:
        return draw(h())

    def schema_name() -> str:
        # Component names outside [A-Za-z0-9._-] are refused by OpenAPI itself; try them
        # now and then, and odd but valid ones the rest of the time.
        return (
            draw(h())
            if draw(st.integers(0, 5)) == 0
            else draw(st.sampled_from(_SAFE_SCHEMA_NAMES))
        )

    model, enum = schema_name(), schema_name()
    if enum == model:
        enum += "Kind"
    enum_values = draw(st.lists(h(), min_size=1, max_size=3, unique=True))
    props: dict[str, Any] = {
        text(): {
            "type": "string",
            "description": text(),
            "default": text(),
            "example": text(),
            "x-note": text(),
        },
        text(): {"$ref": f"#/components/schemas/{_pointer(enum)}"},
        text(): {
            "type": "integer",
            "format": "int32",
            "description": text(),
            "example": text(),
        },
        text(): {
            "type": "array",
            "items": {"type": "string", "enum": [text()]},
            "description": text(),
        },
    }
    if draw(st.booleans()):
        props[text()] = {
            "type": "string",
            "pattern": draw(st.sampled_from(["^[a-z]+$", "\\d{3}", "'''", '"\\n"'])),
        }
    path_part = draw(
        st.one_of(h(), st.sampled_from(["items", "a b", "x'y", 'q"r', "é"]))
    )
    path = f"/{path_part}/{{id}}"
    params = [
        {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": text(),
        },
        {
            "name": text(),
            "in": "query",
            "schema": {"type": "string", "default": text()},
            "description": text(),
        },
        {
            "name": text(),
            "in": "header",
            "schema": {"type": "string"},
            "example": text(),
        },
    ]
    body = {
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{_pointer(model)}"}
            }
        }
    }
    ok = {
        "description": text(),
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{_pointer(model)}"}
            }
        },
    }
    spec: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": text(),
            "description": text(),
            "version": text(),
            "x-logo": {"url": text()},
        },
        "servers": [
            {
                "url": draw(st.one_of(h(), st.just("https://example.test/v1"))),
                "description": text(),
            }
        ],
        "tags": [{"name": text(), "description": text()}],
        "x-top": [text(), {text(): text()}],
        "paths": {
            path: {
                "x-path-note": text(),
                "patch": {
                    "operationId": text(),
                    "summary": text(),
                    "description": text(),
                    "tags": [text()],
                    "parameters": params,
                    "requestBody": body,
                    "responses": {"200": ok, "default": {"description": text()}},
                    "x-ms-permissions": [{"type": text(), "permissions": [text()]}],
                },
            }
        },
        "components": {
            "schemas": {
                model: {
                    "type": "object",
                    "description": text(),
                    "properties": props,
                    "x-extra": text(),
                },
                enum: {"type": "string", "enum": enum_values, "description": text()},
            }
        },
    }
    return spec, marker


def _pointer(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def identifiers_from_naming(spec_path: Path) -> set[str]:
    """Every identifier the loader chose for this spec (all made by `generator.sdk.naming`)."""
    api = load_api(read_spec(spec_path))
    names = {m.python_name for m in api.models} | {e.python_name for e in api.enums}
    names |= set(module_names(names).values())  # each class's module in `models/`
    names |= {f"validate_{m.snake_name}" for m in api.models} | {
        m.snake_name for m in api.models
    }
    names |= {f.python_name for m in api.models for f in m.fields}
    names |= {member.python_name for e in api.enums for member in e.members}
    for op in api.operations:
        names |= {
            op.python_name,
            f"{op.python_name}_body",
            f"{op.python_name}_response",
            f"{op.python_name}_item",
        }
        names |= {p.python_name for p in op.parameters}
    return names


def check_python(name: str, text: str, marker: str, allowed: set[str]) -> None:
    """The file parses; the marker shows up only in strings, comments or naming's identifiers."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an invalid escape sequence is an escaping bug
        compile(text, name, "exec", dont_inherit=True)
    tree = ast.parse(text, filename=name)
    lowered = marker.lower()
    for node in ast.walk(tree):
        found: list[str] = []
        if isinstance(node, ast.Name):
            found.append(node.id)
        elif isinstance(node, ast.Attribute):
            found.append(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append(node.name)
        elif isinstance(node, ast.arg) or isinstance(node, ast.keyword) and node.arg:
            found.append(node.arg)
        elif isinstance(node, ast.alias) and node.name != "*":  # `*`: the package's own
            found.extend(
                part for part in (*node.name.split("."), node.asname or "") if part
            )
        for ident in found:
            assert (
                ident.isascii()
                and ident.isidentifier()
                and not keyword.iskeyword(ident)
            ), (name, ident)
            if lowered in ident.lower():
                assert ident in allowed, (
                    f"{name}: identifier {ident!r} was not made by naming"
                )
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if lowered in token.string.lower() and token.type not in (
            tokenize.STRING,
            tokenize.COMMENT,
        ):
            assert token.type == tokenize.NAME and token.string in allowed, (
                name,
                tokenize.tok_name[token.type],
                token.string[:80],
            )


@functools.lru_cache(maxsize=64)
def _black_memo(text: str, mode: black.Mode) -> str:
    return _real_format_str(text, mode=mode)


_real_format_str = black.format_str


def test_hostile_specs_never_inject_code_or_write_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Black itself runs on every file; the static files are byte-identical in every example,
    # so their (deterministic) result is remembered instead of recomputed.
    monkeypatch.setattr(
        format_stage.black, "format_str", lambda text, mode: _black_memo(text, mode)
    )
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    generated: list[tuple[str, Path]] = []
    outcomes = {"generated": 0, "refused": 0}
    counter = iter(range(10**9))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=os.environ.get("APIGEN_FUZZ_RANDOM") is None,
        # No shrinking: a failure names the spec file it wrote, which is small already.
        phases=(Phase.explicit, Phase.generate),
        report_multiple_bugs=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(case=specs(), as_json=st.booleans())
    def one(case: tuple[dict[str, Any], str], as_json: bool) -> None:
        spec, marker = case
        index = next(counter)
        folder = tmp_path / f"case{index}"
        folder.mkdir()
        spec_path = folder / ("spec.json" if as_json else "spec.yaml")
        if as_json:
            spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        else:
            spec_path.write_text(
                yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                encoding="utf-8",
            )
        out = folder / "out"
        package = f"fz{index}"
        stderr = io.StringIO()
        try:
            with (
                contextlib.redirect_stderr(stderr),
                contextlib.redirect_stdout(io.StringIO()),
            ):
                code = cli.main(
                    ["generate", str(spec_path), "-o", str(out), "--package", package]
                )
        except BaseException as exc:
            raise AssertionError(f"apigen crashed on {spec_path}: {exc!r}") from exc
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            [spec_path.name, *(["out"] if code == 0 else [])]
        )
        assert list(work.iterdir()) == [], (
            "something was written into the working folder"
        )
        if code == 2:
            message = stderr.getvalue()
            assert message.count("\n") == 1 and message.startswith(
                f"apigen: {spec_path}"
            ), message
            outcomes["refused"] += 1
            return
        assert code == 0, stderr.getvalue()
        outcomes["generated"] += 1
        check_output(out, spec_path, package, marker)
        generated.append((package, out))

    one()
    print(
        f"fuzz: {EXAMPLES} examples, {outcomes['generated']} generated, {outcomes['refused']} refused (exit 2)"
    )
    assert outcomes["generated"] >= EXAMPLES // 4, outcomes
    assert_imports_are_inert([*generated], tmp_path / "import-cwd")


def check_output(out: Path, spec_path: Path, package: str, marker: str) -> None:
    """Every generated file is what it claims to be, with the marker only where it is inert."""
    try:
        _check_output(out, spec_path, package, marker)
    except AssertionError as exc:
        raise AssertionError(f"{spec_path}: {exc}") from exc


def _check_output(out: Path, spec_path: Path, package: str, marker: str) -> None:
    allowed = identifiers_from_naming(spec_path)
    for path in sorted(out.rglob("*")):
        assert path.resolve().is_relative_to(out.resolve()) and not path.is_symlink()
        if path.suffix == ".py":
            check_python(
                str(path.relative_to(out)),
                path.read_text(encoding="utf-8"),
                marker,
                allowed,
            )
    project = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    assert project["name"] == package and marker not in json.dumps(
        project["dependencies"]
    )
    readme = (out / "README.md").read_text(encoding="utf-8")
    # Prose from the spec is one neutralised paragraph: it can open no HTML and no fence.
    assert readme.count("```") == 6, "a code fence came from the spec"
    assert "<" not in readme.replace("validate_<model>", ""), (
        "raw HTML came from the spec"
    )


_IMPORT_ALL = """
import importlib, json, os, sys
packages = json.loads(sys.argv[1])
def hook(event, args):
    bad = event.startswith(("socket.", "subprocess.", "os.exec", "os.posix_spawn", "os.fork", "os.system", "os.spawn", "urllib."))
    if event == "open":
        mode, flags = args[1], args[2]
        bad = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    if event in ("os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.chmod", "os.truncate", "shutil.rmtree"):
        bad = True
    if bad:
        sys.stderr.write(f"SIDE EFFECT {event} {args!r}\\n"); sys.stderr.flush(); os._exit(3)
sys.addaudithook(hook)
for name, folder in packages:
    sys.path.insert(0, folder)
    module = importlib.import_module(name)
    for attr in module.__all__:
        getattr(module, attr)
    for check in module.validators.__all__:
        if check.startswith("validate_"):
            getattr(module.validators, check)({})
    sys.path.remove(folder)
print(len(packages))
"""


def assert_imports_are_inert(packages: list[tuple[str, Path]], cwd: Path) -> None:
    """Import every generated package (and run each validator once) under the audit hook."""
    cwd.mkdir()
    for start in range(0, len(packages), 100):
        chunk = [(name, str(folder)) for name, folder in packages[start : start + 100]]
        result = subprocess.run(  # noqa: PLW1510 - return codes are asserted
            [sys.executable, "-c", _IMPORT_ALL, json.dumps(chunk)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": ""},
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.strip() == str(len(chunk))
    assert list(cwd.iterdir()) == [], (
        "importing a generated package wrote into the working folder"
    )
