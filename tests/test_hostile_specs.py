"""Hostile specs end in a result or a one-line exit 2, in bounded time, touching nothing.

Each bad spec is run through the CLI as CI would run it, into a folder that already holds
a previous build: the run must exit 2 with one line on stderr naming the file and the line
or JSON pointer, print no traceback, read nothing outside the spec, connect nowhere, and
leave the folder exactly as it was.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, snapshot

from generator.output.write import write_tree
from generator.pipeline import generate_files
from generator.sdk import naming
from generator.sdk.load import load_api
from generator.sdk.load_schemas import MAX_INHERITANCE_DEPTH
from generator.sdk.render import _PACKAGE_NAMES, PackageInfo
from generator.spec.io import MAX_BYTES, MAX_DEPTH, parse_spec_text

# The CLI under an audit hook: a connection, or an open() of a file the test marks as
# off-limits, ends the process at once with a code no normal run gives.
_AUDITED = """
import os, sys
FORBIDDEN = [p for p in os.environ.get("APIGEN_TEST_FORBIDDEN", "").split(os.pathsep) if p]
def hook(event, args):
    remote = event == "urllib.Request" and "/site-packages/" not in str(args[0])
    if remote or event in ("socket.connect", "socket.getaddrinfo", "subprocess.Popen", "os.system"):
        sys.stderr.write(f"AUDIT {event} {args!r}\\n"); sys.stderr.flush(); os._exit(97)
    if event == "open" and isinstance(args[0], (str, bytes)):
        path = os.fsdecode(args[0])
        if any(path == f or path.endswith(os.sep + os.path.basename(f)) for f in FORBIDDEN):
            sys.stderr.write(f"AUDIT open {path}\\n"); sys.stderr.flush(); os._exit(98)
sys.addaudithook(hook)
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def base_spec(**schemas: Any) -> dict[str, Any]:
    """A small valid spec: one GET returning `Thing`, plus the schemas given."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hostile", "version": "1"},
        "servers": [{"url": "https://example.test/v1"}],
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {"type": "object", "properties": {"name": {"type": "string"}}},
                **schemas,
            }
        },
    }




@pytest.fixture(scope="module")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a real earlier build, which failed runs must leave as it is."""
    out = tmp_path_factory.mktemp("previous") / "sdk"
    api = load_api(parse_spec_text(dump(base_spec()), "base.yaml"))
    write_tree(
        out, generate_files(api, PackageInfo("hostile_sdk", "hostile-sdk", "1.0.0"))
    )
    (out / "NOTES.md").write_text("a file the user added\n", encoding="utf-8")
    return out


@pytest.fixture
def workspace(tmp_path: Path, previous_build: Path) -> Path:
    """tmp/specs (where specs go) and tmp/parent/sdk (a copy of the previous build)."""
    (tmp_path / "specs").mkdir()
    shutil.copytree(previous_build, tmp_path / "parent" / "sdk", symlinks=True)
    return tmp_path


def run_audited(
    spec: Path, out: Path, forbidden: tuple[str, ...] = (), timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: PLW1510 - return codes are asserted
        [
            sys.executable,
            "-c",
            _AUDITED,
            "generate",
            str(spec),
            "-o",
            str(out),
            "--package",
            "hostile_sdk",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "APIGEN_TEST_FORBIDDEN": os.pathsep.join(forbidden),
        },
    )


def assert_refused(
    workspace: Path, spec: Path, *must_mention: str, forbidden: tuple[str, ...] = ()
) -> str:
    """Run the CLI on ``spec``: exit 2, one clean line naming the spec, nothing changed."""
    parent = workspace / "parent"
    before = snapshot(parent)
    result = run_audited(spec, parent / "sdk", forbidden)
    assert "AUDIT" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"apigen: {spec}"), line
    for text in must_mention:
        assert text in line, line
    assert snapshot(parent) == before, (
        "a refused run changed the output folder or its parent"
    )
    return line


def dump(data: Any) -> str:
    """YAML text of ``data`` with no anchors (shared dicts are written out each time)."""
    return yaml.safe_dump(json.loads(json.dumps(data)), sort_keys=False)


def write_yaml(workspace: Path, data: Any, name: str = "spec.yaml") -> Path:
    path = workspace / "specs" / name
    path.write_text(dump(data), encoding="utf-8")
    return path


# -- $ref cycles and references ----------------------------------------------------------


def test_a_ref_cycle_through_two_aliases_names_the_cycle_and_its_pointer(
    workspace: Path,
) -> None:
    spec = base_spec(
        A={"$ref": "#/components/schemas/B"}, B={"$ref": "#/components/schemas/A"}
    )
    line = assert_refused(
        workspace,
        write_yaml(workspace, spec),
        "A -> B -> A",
        "at /components/schemas/A",
    )
    assert ":" in line.split(" at ")[0].removeprefix("apigen: "), (
        "the line number is given"
    )


def test_a_ref_cycle_entered_from_outside_names_only_the_loop(workspace: Path) -> None:
    spec = base_spec(
        A={"$ref": "#/components/schemas/B"},
        B={"$ref": "#/components/schemas/C"},
        C={
            "anyOf": [
                {"$ref": "#/components/schemas/B"},
                {"type": "object", "nullable": True},
            ]
        },
    )
    assert_refused(
        workspace, write_yaml(workspace, spec), "B -> C -> B", "/components/schemas/"
    )


def test_a_self_referencing_model_generates_and_round_trips(tmp_path: Path) -> None:
    node = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "parent": {
                "anyOf": [
                    {"$ref": "#/components/schemas/Node"},
                    {"type": "object", "nullable": True},
                ]
            },
            "children": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Node"},
            },
        },
        "required": ["name"],
    }
    spec = base_spec(Node=node)
    spec["components"]["schemas"]["Thing"]["properties"]["root"] = {
        "$ref": "#/components/schemas/Node"
    }
    spec_path = tmp_path / "tree.yaml"
    spec_path.write_text(dump(spec), encoding="utf-8")
    out = tmp_path / "sdk"
    result = subprocess.run(  # noqa: PLW1510 - return codes are asserted
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(spec_path),
            "-o",
            str(out),
            "--package",
            "tree_sdk",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    check = """
import tree_sdk
data = {"name": "a", "parent": None, "children": [{"name": "b", "children": [{"name": "c", "children": []}]}]}
node = tree_sdk.Node.from_dict(data)
assert node.children[0].children[0].name == "c", node
assert node.to_dict() == data, node.to_dict()
assert tree_sdk.validators.validate_node(data) == []
errors = tree_sdk.validators.validate_node({"name": "a", "children": [{"children": [{"name": 5}]}]})
paths = sorted(e.path for e in errors)
assert paths == ["/children/0/children/0/name", "/children/0/name"], paths
print("ok")
"""
    ran = subprocess.run(  # noqa: PLW1510 - return codes are asserted
        [sys.executable, "-c", check],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.stdout.strip() == "ok", ran.stderr


class _Listener:
    """A TCP socket on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    yield server
    server.close()


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("http://127.0.0.1:{port}/schemas.yaml#/Thing", "is remote"),
        ("/etc/passwd", "points outside the spec's folder"),
        ("file:///etc/passwd", "is remote"),
        ("../secret.yaml#/Thing", "points outside the spec's folder"),
        ("sub/../../secret.yaml", "points outside the spec's folder"),
    ],
)
def test_remote_refs_and_refs_out_of_the_spec_folder_are_refused_without_reading_or_fetching(
    workspace: Path, listener: _Listener, ref: str, message: str
) -> None:
    canary = "CANARY-" + os.urandom(6).hex()
    (workspace / "secret.yaml").write_text(
        f"Thing: {{type: string, description: {canary}}}\n"
    )
    spec = base_spec()
    target = ref.format(port=listener.port)
    spec["components"]["schemas"]["Thing"]["properties"]["other"] = {"$ref": target}
    line = assert_refused(
        workspace,
        write_yaml(workspace, spec),
        message,
        "/components/schemas/Thing/properties/other",
        forbidden=("secret.yaml", "/etc/passwd"),
    )
    assert canary not in line and "root:" not in line
    assert listener.connections == 0


def test_a_link_beside_the_spec_to_a_file_outside_is_refused(workspace: Path) -> None:
    (workspace / "secret.yaml").write_text("Thing: {type: string}\n")
    (workspace / "specs" / "link.yaml").symlink_to(workspace / "secret.yaml")
    spec = base_spec()
    spec["components"]["schemas"]["Thing"]["properties"]["other"] = {"$ref": "link.yaml#/Thing"}
    assert_refused(
        workspace,
        write_yaml(workspace, spec),
        "points outside the spec's folder",
        forbidden=("secret.yaml",),
    )


def test_a_ref_to_a_missing_schema_is_refused_with_its_pointer(workspace: Path) -> None:
    spec = base_spec()
    spec["components"]["schemas"]["Thing"]["properties"]["gone"] = {
        "$ref": "#/components/schemas/Nowhere"
    }
    assert_refused(workspace, write_yaml(workspace, spec), "Nowhere")


# -- YAML and file level -------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once(workspace: Path) -> None:
    lines = [
        "openapi: 3.0.3",
        "info: {title: t, version: '1'}",
        "paths: {}",
        "a0: &a0 [lol, lol, lol, lol, lol]",
    ]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    spec = workspace / "specs" / "bomb.yaml"
    spec.write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    assert_refused(workspace, spec, "aliases", f"{spec}:")
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("style", ["block", "flow", "json"])
def test_very_deep_nesting_is_refused(workspace: Path, style: str) -> None:
    depth = MAX_DEPTH + 50
    if style == "block":
        body = (
            "".join("  " * i + f"k{i}:\n" for i in range(depth))
            + "  " * depth
            + "leaf\n"
        )
        text, name = (
            "openapi: 3.0.3\nx-deep:\n"
            + "\n".join("  " + line for line in body.splitlines())
            + "\n",
            "d.yaml",
        )
    elif style == "flow":
        text, name = (
            "openapi: 3.0.3\nx-deep: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "d.yaml",
        )
    else:
        text, name = (
            '{"openapi": "3.0.3", "x": ' + "[" * depth + "]" * depth + "}",
            "d.json",
        )
    spec = workspace / "specs" / name
    spec.write_text(text)
    assert_refused(workspace, spec, "nest")


def test_duplicate_keys_are_refused_with_the_line(workspace: Path) -> None:
    spec = workspace / "specs" / "dup.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ninfo: {title: u, version: '2'}\n"
    )
    assert_refused(workspace, spec, "duplicate key 'info'", f"{spec}:4")


def test_keys_that_only_collide_once_read_as_strings_are_duplicates(
    workspace: Path,
) -> None:
    spec = workspace / "specs" / "dup2.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-codes: {1: a, 0x1: b}\n"
    )
    assert_refused(workspace, spec, "duplicate key '1'")


def test_non_utf8_bytes_are_refused_with_the_line(workspace: Path) -> None:
    spec = workspace / "specs" / "latin1.yaml"
    spec.write_bytes(b"openapi: 3.0.3\ninfo:\n  title: caf\xe9\n")
    assert_refused(workspace, spec, "not UTF-8", f"{spec}:3")


def test_a_lone_surrogate_escape_is_refused(workspace: Path) -> None:
    spec = workspace / "specs" / "surrogate.json"
    spec.write_text(
        '{"openapi": "3.0.3", "info": {"title": "t\\ud800", "version": "1"}, "paths": {}}'
    )
    assert_refused(workspace, spec, "surrogate")


@pytest.mark.parametrize("number", ["9" * 5000, ".inf", "1e999"])
def test_numbers_python_cannot_write_back_are_refused(
    workspace: Path, number: str
) -> None:
    spec = base_spec()
    text = dump(spec).replace("name:\n", f"name:\n          maximum: {number}\n", 1)
    path = workspace / "specs" / "numbers.yaml"
    path.write_text(text)
    assert f"maximum: {number}" in text
    assert_refused(workspace, path)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "---\n"])
def test_an_empty_file_is_refused(workspace: Path, text: str) -> None:
    spec = workspace / "specs" / "empty.yaml"
    spec.write_text(text)
    assert_refused(workspace, spec, "empty", f"{spec}:1")


def test_a_50_mb_spec_is_refused_in_bounded_time(workspace: Path) -> None:
    spec = workspace / "specs" / "big.yaml"
    filler = "  x-filler-{0}: '" + "y" * 1000 + "'\n"
    with spec.open("w") as handle:
        handle.write(
            "openapi: 3.0.3\ninfo:\n  title: big\n  version: '1'\npaths: {}\nx-blob:\n"
        )
        for index in range(50 * 1024):
            handle.write(filler.format(index))
    assert spec.stat().st_size > 50 * 1000 * 1000
    started = time.monotonic()
    line = assert_refused(workspace, spec, f"over the {MAX_BYTES} byte limit")
    elapsed = time.monotonic() - started
    print(f"50 MB spec refused in {elapsed:.2f}s: {line}")
    assert elapsed < 30


# -- names that collide after conversion ---------------------------------------------------

_HOSTILE_NAMES = [
    "fooBar",
    "foo_bar",
    "FooBar",
    "foo-bar",
    "class",
    "None",
    "UNSET",
    "Client",
    "to_dict",
    "from_dict",
    "additional_data",
    "self",
    "1st",
    "2nd place",
    "日本語",
    "名前",
    "ünïcödé",
    "_private",
    "__init__",
    "match",
    "type",
    "print",
    "url",
    "",
]


def names_spec() -> dict[str, Any]:
    props = {name: {"type": "string"} for name in _HOSTILE_NAMES}
    schemas: dict[str, Any] = {
        name or "empty": {"type": "object", "properties": props}
        for name in _HOSTILE_NAMES
    }
    schemas["Colour"] = {
        "type": "string",
        "enum": [*(n for n in _HOSTILE_NAMES if n), "mro", "MRO", "_missing_"],
    }
    params = [
        {"name": name or "blank", "in": where, "schema": {"type": "string"}}
        for name in _HOSTILE_NAMES
        for where in ("query", "header")
    ]
    spec = base_spec(**schemas)
    spec["paths"]["/things/{id}"]["get"]["parameters"].extend(params)
    spec["paths"]["/things"] = {
        method: {"operationId": op_id, "responses": {"200": {"description": "ok"}}}
        for method, op_id in zip(
            ("get", "post", "put", "delete", "patch"),
            ("close", "Close", "class", "__init__", "1x"),
        )
    }
    return spec


def test_names_that_collide_after_conversion_get_distinct_valid_deterministic_identifiers(
    tmp_path: Path,
) -> None:
    text = dump(names_spec())
    api = load_api(parse_spec_text(text, "names.yaml"))
    shuffled = load_api(
        parse_spec_text(json.dumps(_reversed_keys(names_spec())), "names.json")
    )
    assert _names_of(shuffled) == _names_of(api), "names depend on the spec's key order"
    class_names = [m.python_name for m in api.models] + [
        e.python_name for e in api.enums
    ]
    assert len(set(class_names)) == len(class_names)
    for name in class_names:
        assert (
            naming.is_safe_identifier(name) and name not in naming.RESERVED_MODULE_NAMES
        ), name
    by_schema = {m.name: m.python_name for m in api.models}
    assert (
        by_schema["Client"] != "Client"
        and by_schema["UNSET"] != "UNSET"
        and by_schema["None"] != "None"
    )
    for model in api.models:
        fields = [f.python_name for f in model.fields]
        assert len(set(fields)) == len(fields), fields
        for field in fields:
            assert (
                naming.is_safe_identifier(field)
                and field not in naming.RESERVED_MEMBER_NAMES
            ), field
        if model.name != "Thing":
            fields_by_json = {f.json_name: f.python_name for f in model.fields}
            assert [
                fields_by_json[n] for n in ("FooBar", "foo-bar", "fooBar", "foo_bar")
            ] == ["foo_bar", "foo_bar_2", "foo_bar_3", "foo_bar_4"], (
                "suffixes follow the sorted spec names"
            )
            assert (
                fields_by_json["class"] == "class_"
                and fields_by_json["to_dict"] == "to_dict_"
            )
            assert fields_by_json["1st"] == "f1st" and fields_by_json[
                "日本語"
            ].startswith("field")
    (enum,) = api.enums
    members = [m.python_name for m in enum.members]
    assert len(set(members)) == len(members) and all(
        naming.is_safe_identifier(m) for m in members
    )
    assert not any(m.startswith("_") for m in members) and "MRO" not in members
    methods = [op.python_name for op in api.operations]
    assert len(set(methods)) == len(methods)
    assert "close" not in methods and all(naming.is_safe_identifier(m) for m in methods)
    for op in api.operations:
        params = [p.python_name for p in op.parameters]
        assert len(set(params)) == len(params)
        assert not set(params) & naming.RESERVED_PARAMETER_NAMES, params
    files = generate_files(api, PackageInfo("names_sdk", "names-sdk", "1.0.0"))
    out = tmp_path / "sdk"
    write_tree(out, files)
    ran = subprocess.run(  # noqa: PLW1510 - return codes are asserted
        [
            sys.executable,
            "-c",
            'import names_sdk, sys; assert names_sdk.Client.__module__ == "names_sdk.client"; assert type(names_sdk.UNSET).__name__ == "UnsetType"',
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr


def test_the_sdk_names_every_package_exports_are_reserved_for_classes() -> None:
    assert set(_PACKAGE_NAMES) <= naming.RESERVED_MODULE_NAMES


def _names_of(api: Any) -> dict[str, Any]:
    """Every identifier the loader chose, keyed by what the spec called it."""
    return {
        "models": {
            m.name: (
                m.python_name,
                m.snake_name,
                {f.json_name: f.python_name for f in m.fields},
            )
            for m in api.models
        },
        "enums": {
            e.name: (e.python_name, {m.value: m.python_name for m in e.members})
            for e in api.enums
        },
        "operations": {
            o.operation_id: (
                o.python_name,
                {(p.location, p.name): p.python_name for p in o.parameters},
            )
            for o in api.operations
        },
    }


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


# -- amplification and crash regressions -----------------------------------------------------


@pytest.mark.parametrize("path", ["/a{b{c}/{id}", "/a}/x", "/{}", "no-slash"])
def test_malformed_path_templates_are_refused_not_crashed_on(
    workspace: Path, path: str
) -> None:
    spec = base_spec()
    spec["paths"][path] = spec["paths"].pop("/things/{id}")
    assert_refused(workspace, write_yaml(workspace, spec), "at /paths/")


def test_an_inheritance_chain_past_the_limit_is_refused(workspace: Path) -> None:
    chain: dict[str, Any] = {
        "M0": {"type": "object", "properties": {"f0": {"type": "string"}}}
    }
    for i in range(1, MAX_INHERITANCE_DEPTH + 5):
        chain[f"M{i}"] = {
            "allOf": [
                {"$ref": f"#/components/schemas/M{i - 1}"},
                {"type": "object", "properties": {f"f{i}": {"type": "string"}}},
            ]
        }
    line = assert_refused(
        workspace, write_yaml(workspace, base_spec(**chain)), "inheritance deeper than"
    )
    assert f"/components/schemas/M{MAX_INHERITANCE_DEPTH}" in line


def test_a_small_spec_that_would_expand_into_huge_code_is_refused_before_formatting(
    workspace: Path,
) -> None:
    size = 3000  # an enum of 3000 values used by 3000 fields: 150 kB of JSON, 9 million values inlined
    schemas = {
        "Big": {"type": "string", "enum": [f"v{i}" for i in range(size)]},
        "Wide": {
            "type": "object",
            "properties": {
                f"f{i}": {"$ref": "#/components/schemas/Big"} for i in range(size)
            },
        },
    }
    spec = workspace / "specs" / "wide.json"
    spec.write_text(json.dumps(base_spec(**schemas)))
    assert spec.stat().st_size < 200_000
    assert_refused(workspace, spec, "MB of code")


def test_a_title_that_closes_the_module_docstring_stays_inside_it(
    tmp_path: Path,
) -> None:
    spec = base_spec()
    spec["info"]["title"] = 'x"""; import os; os.getcwd(); """ \\'
    api = load_api(parse_spec_text(json.dumps(spec), "title.json"))
    files = generate_files(api, PackageInfo("title_sdk", "title-sdk", "1.0.0"))
    carriers = 0
    for name, text in files.items():
        if name.endswith(".py"):
            tree = ast.parse(text)
            assert not [
                n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "os"
            ], name
            if "import os" in text:
                carriers += 1
                assert "import os" in (ast.get_docstring(tree, clean=False) or ""), name
    assert carriers >= 3, (
        "the title shows in the docstrings of the package, models and client"
    )


def test_a_pointer_into_a_key_with_line_breaks_stays_on_one_line(
    workspace: Path,
) -> None:
    spec = base_spec()
    spec["components"]["schemas"]["Thing"]["properties"]["a\nb\r\u2028c"] = {
        "$ref": "#/components/schemas/Gone"
    }
    assert_refused(
        workspace,
        write_yaml(workspace, spec),
        "/properties/a\\u000ab\\u000d\\u2028c/$ref",
    )
