"""Hostile or mistaken inputs that once passed in silence or hung: each is now a clear exit 2
(or an ignored cache entry), never a hang, a traceback or a wrong package."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from generator.cache import Cache, CacheWarning, _trusted
from generator.errors import InputError, printable
from generator.files import read_capped
from tests.helpers import ROOT, run_cli

SEED_SPEC = str(ROOT / "specs" / "seed.yaml")


@pytest.mark.parametrize("verb", ["spec", "generate", "lint"])
def test_a_fifo_is_refused_at_once_not_read_forever(tmp_path: Path, verb: str) -> None:
    fifo = tmp_path / "page.md" if verb != "generate" else tmp_path / "spec.yaml"
    os.mkfifo(fifo)  # no writer: opening it for reading would block for ever
    args = {
        "spec": ("spec", str(fifo), "-o", str(tmp_path / "out.yaml")),
        "generate": ("generate", str(fifo), "-o", str(tmp_path / "sdk")),
        "lint": ("lint", str(fifo)),
    }[verb]
    result = run_cli(*args, cwd=tmp_path, timeout=30)
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "sdk").exists() and not (tmp_path / "out.yaml").exists()


def test_dev_zero_is_refused_without_reading_it() -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_capped(Path("/dev/zero"), 1024)


def test_the_byte_cap_counts_what_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 5000)
    assert read_capped(big, 5000) == b"x" * 5000
    with pytest.raises(InputError, match="over the 4999 byte limit"):
        read_capped(big, 4999)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--package", "json", "would shadow Python's own module"),
        ("--package", "typing", "would shadow Python's own module"),
        ("--package", "sitecustomize", "would shadow Python's own module"),
        ("--package", "anyio", "which the generated SDK imports"),
        ("--version", "1.0-final-ish", "not a PEP 440 version"),
        ("--distribution", "my sdk", "not a valid distribution name"),
    ],
)
def test_package_names_and_versions_that_would_break_an_install_are_refused(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = run_cli("generate", SEED_SPEC, "-o", str(tmp_path / "sdk"), option, value)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "sdk").exists()


def test_a_configured_package_that_shadows_the_standard_library_is_refused(tmp_path: Path) -> None:
    (tmp_path / "apigen.toml").write_text(
        '[[build]]\nname = "x"\nspec = "s.yaml"\noutput = "out"\npackage = "json"\n',
        encoding="utf-8",
    )
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "build[0].package" in result.stderr and "shadow" in result.stderr


def test_a_templates_folder_that_does_not_exist_is_an_error_not_the_bundled_ones(
    tmp_path: Path,
) -> None:
    result = run_cli(
        "generate", SEED_SPEC, "-o", str(tmp_path / "sdk"), "--templates", str(tmp_path / "nope")
    )
    assert result.returncode == 2 and "--templates: not a folder" in result.stderr
    (tmp_path / "apigen.toml").write_text(
        '[[build]]\nname = "x"\nspec = "s.yaml"\noutput = "out"\npackage = "x_sdk"\n'
        'templates = "my-templates"\n',
        encoding="utf-8",
    )
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2 and "build[0].templates" in result.stderr


def test_a_damaged_or_swapped_cache_entry_is_a_miss(tmp_path: Path) -> None:
    cache = Cache("test", tmp_path / "cache")
    cache.put("a" * 64, "the answer for a")
    cache.put("b" * 64, "the answer for b")
    assert cache.get("a" * 64) == "the answer for a"
    assert cache.folder is not None
    path_a = cache.folder / "aa" / ("a" * 64)
    path_b = cache.folder / "bb" / ("b" * 64)
    path_b.write_bytes(path_a.read_bytes())  # swapped: a's entry filed under b's key
    assert cache.get("b" * 64) is None
    path_a.write_bytes(path_a.read_bytes()[:-3])  # truncated
    assert cache.get("a" * 64) is None
    cache.put("a" * 64, "the answer for a")
    data = bytearray(path_a.read_bytes())
    data[-1] ^= 1  # one flipped bit
    path_a.write_bytes(bytes(data))
    assert cache.get("a" * 64) is None


def test_the_cache_folder_is_private_and_not_used_when_others_may_write_it(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    Cache("x", mine).put("c" * 64, "text")
    assert (mine.stat().st_mode & 0o777) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.warns(CacheWarning, match="may be written by other users"):
        cache = Cache("x", shared)
    assert cache.folder is None  # off: nothing read from or written to it
    cache.put("c" * 64, "text")
    assert list(shared.iterdir()) == []
    _trusted.cache_clear()


def test_a_full_disk_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache("x", tmp_path / "cache")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    cache.put("d" * 64, "text")
    assert cache.folder is not None
    assert [p.name for p in cache.folder.rglob("*") if p.is_file()] == []


def test_terminal_escapes_from_a_spec_never_reach_the_terminal(tmp_path: Path) -> None:
    assert printable("a\x1b[31mred\x1b[0m\nb") == "a\\x1b[31mred\\x1b[0m b"
    spec = tmp_path / "evil.yaml"
    spec.write_text(
        'openapi: 3.0.3\ninfo: {title: "t\\e[2J", version: "1"}\npaths:\n  bad\\e]0;x\\a: {}\n',
        encoding="utf-8",
    )
    result = run_cli("generate", str(spec), "-o", str(tmp_path / "sdk"))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_lint_json_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    page = (ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md").read_text(
        encoding="utf-8"
    )
    (tmp_path / "p.md").write_text(
        page.replace("# Update", "# Update – ünïcode", 1), encoding="utf-8"
    )
    env = {"LC_ALL": "en_US.ISO-8859-1", "LANG": "en_US.ISO-8859-1", "PYTHONIOENCODING": "latin-1"}
    for fmt in ("json", "sarif"):
        result = run_cli("lint", "p.md", "--format", fmt, cwd=tmp_path, env=env)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
    text = run_cli("lint", "p.md", "--format", "text", cwd=tmp_path, env=env)
    assert "Traceback" not in text.stderr


def _seed_config(folder: Path) -> None:
    (folder / "pages").mkdir()
    page = ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md"
    (folder / "pages" / "p.md").write_bytes(page.read_bytes())
    (folder / "apigen.toml").write_text(
        '[[build]]\nname = "x"\npages = ["pages/p.md"]\nspec = "specs/x.yaml"\n'
        'output = "generated/x"\npackage = "x_sdk"\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("planted", ["generated/x", "generated", "specs"])
def test_a_planted_symlink_never_moves_where_a_build_writes(tmp_path: Path, planted: str) -> None:
    _seed_config(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / planted
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(elsewhere, link)
    for args in (("build",), ("build", "--check")):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "is a symlink; apigen never writes through one" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_generate_into_a_folder_a_build_manages_refuses(tmp_path: Path) -> None:
    _seed_config(tmp_path)
    assert run_cli("build", cwd=tmp_path).returncode == 0
    before = (tmp_path / "generated" / "x" / "CHANGELOG.md").read_bytes()
    result = run_cli("generate", SEED_SPEC, "-o", "generated/x", cwd=tmp_path)
    assert result.returncode == 2 and "managed by `apigen build`" in result.stderr
    assert (tmp_path / "generated" / "x" / "CHANGELOG.md").read_bytes() == before


def test_a_planted_fingerprint_naming_files_outside_its_tree_is_not_trusted(tmp_path: Path) -> None:
    from generator.output.fingerprint import FINGERPRINT, up_to_date

    out = tmp_path / "out"
    out.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("s", encoding="utf-8")
    import hashlib

    digest = hashlib.sha256(b"s").hexdigest()
    for name in (str(secret), "../secret.txt"):
        (out / FINGERPRINT).write_text(f"inputs k\n{digest}  {name}\n", encoding="utf-8")
        assert not up_to_date(out, "k")
    os.symlink(secret, out / "link.txt")
    (out / FINGERPRINT).write_text(f"inputs k\n{digest}  link.txt\n", encoding="utf-8")
    assert not up_to_date(out, "k")


def _chain_spec(links: int) -> str:
    import yaml

    schemas: dict[str, object] = {
        f"A{i}": {"$ref": f"#/components/schemas/A{i + 1}"} for i in range(links)
    }
    schemas[f"A{links}"] = {"type": "object", "properties": {"x": {"type": "string"}}}
    ok = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A0"}}},
    }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": ok}}}},
        "components": {"schemas": schemas},
    }
    return yaml.safe_dump(spec)


def test_a_ref_chain_past_the_limit_is_refused_at_once_not_validated_for_minutes(
    tmp_path: Path,
) -> None:
    from generator.spec.validate import MAX_REF_CHAIN

    (tmp_path / "chain.yaml").write_text(_chain_spec(2000), encoding="utf-8")
    result = run_cli("generate", "chain.yaml", "-o", "sdk", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert f"(at most {MAX_REF_CHAIN}" in result.stderr and "/components/schemas/A" in result.stderr
    (tmp_path / "short.yaml").write_text(_chain_spec(MAX_REF_CHAIN - 2), encoding="utf-8")
    assert run_cli("generate", "short.yaml", "-o", "sdk", cwd=tmp_path, timeout=120).returncode == 0


def _diamond_schemas(levels: int) -> dict[str, object]:
    """S(i) made of A(i) and B(i), each made of S(i-1): 2**levels paths from the top."""
    schemas: dict[str, object] = {"S0": {"type": "object", "properties": {"p": {"type": "string"}}}}
    for i in range(1, levels + 1):
        for side in "AB":
            schemas[f"{side}{i}"] = {
                "allOf": [{"$ref": f"#/components/schemas/S{i - 1}"}],
                "properties": {f"{side.lower()}{i}": {"type": "string"}},
            }
        schemas[f"S{i}"] = {
            "allOf": [
                {"$ref": f"#/components/schemas/A{i}"},
                {"$ref": f"#/components/schemas/B{i}"},
            ]
        }
    return schemas


def test_an_all_of_diamond_is_refused_fast_with_its_limit_not_validated_for_ever() -> None:
    from generator.spec.io import SpecFile
    from generator.spec.validate import MAX_REF_EXPANSION, check_ref_cycles

    for levels in (30, 40, 400):  # 30: under the chain limit; 40 and 400: past it too
        data = {"openapi": "3.0.3", "components": {"schemas": _diamond_schemas(levels)}}
        started = time.perf_counter()
        with pytest.raises(InputError) as caught:
            check_ref_cycles(SpecFile("d.yaml", data, ""))
        assert time.perf_counter() - started < 0.5
        assert "at most" in str(caught.value) and caught.value.pointer.startswith(
            "/components/schemas/"
        )
    data = {"openapi": "3.0.3", "components": {"schemas": _diamond_schemas(12)}}
    with pytest.raises(InputError, match=f"at most {MAX_REF_EXPANSION} for one"):
        check_ref_cycles(SpecFile("d.yaml", data, ""))
    small = {"openapi": "3.0.3", "components": {"schemas": _diamond_schemas(5)}}
    check_ref_cycles(SpecFile("d.yaml", small, ""))  # a small diamond is fine


def test_the_unroll_limit_grows_with_the_spec_but_not_with_diamonds_side_by_side() -> None:
    from generator.spec.io import SpecFile
    from generator.spec.validate import check_ref_cycles

    # A large Graph-like spec: 5,000 types, each derived from a base derived from entity
    # (the total grows with the spec, as validation time does): accepted.
    ref = "#/components/schemas/"
    wide: dict[str, Any] = {
        "entity": {"type": "object"},
        "base": {"allOf": [{"$ref": ref + "entity"}]},
    }
    for i in range(5000):
        wide[f"t{i}"] = {"allOf": [{"$ref": ref + "base"}, {"type": "object"}]}
    check_ref_cycles(SpecFile("wide.yaml", {"components": {"schemas": wide}}, ""))
    # Forty 9-level diamonds (each under the one-schema limit) add up past the total one.
    many: dict[str, Any] = {}
    for copy in range(40):
        for name, schema in _diamond_schemas(9).items():
            text = json.dumps(schema).replace("/schemas/", f"/schemas/c{copy}")
            many[f"c{copy}{name}"] = json.loads(text)
    with pytest.raises(InputError, match="for all: the validator walks every path"):
        check_ref_cycles(SpecFile("many.yaml", {"components": {"schemas": many}}, ""))


def test_an_enum_past_the_member_limit_is_refused_with_its_pointer(tmp_path: Path) -> None:
    from generator.spec.validate import MAX_ENUM_MEMBERS

    members = ", ".join(f"m{i}" for i in range(MAX_ENUM_MEMBERS + 1))
    (tmp_path / "enum.yaml").write_text(
        'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths: {}\ncomponents:\n'
        f"  schemas:\n    E:\n      type: string\n      enum: [{members}]\n",
        encoding="utf-8",
    )
    result = run_cli("generate", "enum.yaml", "-o", "sdk", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "enum.yaml:8 at /components/schemas/E/enum" in result.stderr
    assert f"(at most {MAX_ENUM_MEMBERS})" in result.stderr


def test_file_system_refusals_are_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    cases = {
        "afile/sdk": "afile: is a file, so the output folder cannot be made below it",
        "a" * 300: "File name too long",
        "/proc/sdk": "/proc/",
    }
    for output, message in cases.items():
        result = run_cli("generate", SEED_SPEC, "-o", output, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1


def test_init_names_an_overlay_beside_the_pages_and_leaves_it_a_hint_otherwise(
    tmp_path: Path,
) -> None:
    for folder, has_overlay in (("with", True), ("without", False)):
        pages = tmp_path / folder / "pages"
        pages.mkdir(parents=True)
        page = ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md"
        (pages / "p.md").write_bytes(page.read_bytes())
        if has_overlay:
            (pages / "overlay.yaml").write_text("overlay: 1.0.0\nactions: []\n", encoding="utf-8")
        assert run_cli("init", "pages", cwd=tmp_path / folder).returncode == 0
        text = (tmp_path / folder / "apigen.toml").read_text(encoding="utf-8")
        line = 'overlay = "pages/overlay.yaml"'
        assert (f"\n{line}\n" in text) is has_overlay
        assert (f"\n# {line}\n" in text) is not has_overlay


def test_import_lists_follow_isorts_case_insensitive_order() -> None:
    # The 318-page corpus spec's client imported `CheckMemberGroups...` before `Checkin...`
    # (a plain sort); ruff's isort rule wants them the other way, case-insensitively.
    from generator.sdk.render import import_order

    names = [
        "ChecklistItem",
        "CheckMemberGroupsBody",
        "CheckinItem",
        "Item10",
        "Item9",
        "ODataError",
    ]
    assert import_order(names) == [
        "CheckinItem",
        "ChecklistItem",
        "CheckMemberGroupsBody",
        "Item9",
        "Item10",
        "ODataError",
    ]


def _wide_page(rows: int, json_keys: int = 0) -> str:
    """A resource page whose property table has ``rows`` rows and whose JSON block has
    ``json_keys`` keys no table lists (each one a located warning)."""
    table = "\n".join(f"|p{i}|String|Property {i}.|" for i in range(rows))
    keys = ",\n".join(f'  "q{i}": "String"' for i in range(json_keys)) or '  "p0": "String"'
    return (
        '---\ntitle: "widget resource type"\ndoc_type: resourcePageType\n---\n\n'
        "# widget resource type\n\nNamespace: microsoft.graph\n\n## Properties\n\n"
        f"| Property | Type | Description |\n|:---|:---|:---|\n{table}\n\n"
        "## JSON representation\n\n"
        '<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.widget" } -->\n'
        f"```json\n{{\n{keys}\n}}\n```\n"
    )


def test_a_page_past_the_table_row_limit_is_refused_at_once(tmp_path: Path) -> None:
    from generator.pages.blocks import MAX_TABLE_ROWS

    page = tmp_path / "widget.md"
    page.write_text(_wide_page(100_000), encoding="utf-8")  # 100k rows took minutes
    result = run_cli("spec", "widget.md", "-o", "out.yaml", cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"widget.md:{MAX_TABLE_ROWS + 12}: more than {MAX_TABLE_ROWS:,} table rows" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr and not (tmp_path / "out.yaml").exists()
    linted = run_cli("lint", "widget.md", cwd=tmp_path, timeout=60)
    assert linted.returncode == 1 and "page-invalid" in linted.stdout
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"more than {MAX_TABLE_ROWS:,} rows" in readme  # the limit is documented


def _seconds_to_build(page: Path) -> float:
    """The least of three in-process runs of pages to spec text (start-up left out)."""
    import time

    from generator.pipeline import spec_from_pages

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        spec_from_pages([page])
        best = min(best, time.perf_counter() - started)
    return best


def test_property_tables_and_resource_blocks_are_read_in_linear_time(tmp_path: Path) -> None:
    # Each property was checked against every earlier one, and each JSON key the tables do
    # not list was looked up by scanning the block: 40,000 rows took 70 s. Eight times the
    # rows must cost about eight times the time, not sixty-four.
    small, large = tmp_path / "small.md", tmp_path / "large.md"
    small.write_text(_wide_page(500, json_keys=500), encoding="utf-8")
    large.write_text(_wide_page(4_000, json_keys=4_000), encoding="utf-8")
    _seconds_to_build(small)  # warm imports and caches
    ratio = _seconds_to_build(large) / _seconds_to_build(small)
    assert ratio < 20, f"8x the rows took {ratio:.1f}x the time"


def _page_with_permissions_include(target: str) -> str:
    page = (ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md").read_text("utf-8")
    start = page.index("## Permissions")
    end = page.index("\n## ", start + 5)
    return (
        page[:start] + f"## Permissions\n\n[!INCLUDE [permissions-table]({target})]\n" + page[end:]
    )


@pytest.mark.parametrize("target", ["ABSOLUTE", "../../secret.md", "../includes/link.md"])
def test_a_permissions_include_outside_the_pages_tree_is_refused(
    tmp_path: Path, target: str
) -> None:
    # The pages' tree is the folder above the page's own (Graph's api/ beside includes/).
    secret = tmp_path / "secret.md"
    secret.write_text("|Permission type|Permissions|\n|:--|:--|\n|Delegated|PLANTED-SECRET|\n")
    tree = tmp_path / "docs"
    (tree / "api").mkdir(parents=True)
    (tree / "includes").mkdir()
    (tree / "includes" / "link.md").symlink_to(secret)
    target = str(secret) if target == "ABSOLUTE" else target
    (tree / "api" / "p.md").write_text(_page_with_permissions_include(target), encoding="utf-8")
    result = run_cli("spec", "docs/api/p.md", "-o", "out.yaml", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "include path" in result.stderr and "PLANTED" not in result.stderr
    assert not (tmp_path / "out.yaml").exists()
    linted = run_cli("lint", "docs/api/p.md", cwd=tmp_path)
    assert "page-invalid" in linted.stdout and "PLANTED" not in linted.stdout


def test_a_permissions_include_past_its_byte_cap_is_refused(tmp_path: Path) -> None:
    from generator.pages.request_sections import MAX_INCLUDE_BYTES

    (tmp_path / "api").mkdir()
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "big.md").write_text("x" * (MAX_INCLUDE_BYTES + 1))
    page = _page_with_permissions_include("../includes/big.md")
    (tmp_path / "api" / "p.md").write_text(page, encoding="utf-8")
    result = run_cli("spec", "api/p.md", "-o", "out.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "byte limit" in result.stderr, result.stderr


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_overlay_that_is_no_regular_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    overlay = tmp_path / "overlay.yaml"
    if kind == "fifo":
        os.mkfifo(overlay)
    page = ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md"
    where = str(overlay) if kind == "fifo" else "/dev/zero"
    result = run_cli(
        "spec", str(page), "--overlay", where, "-o", "o.yaml", cwd=tmp_path, timeout=30
    )
    assert result.returncode == 2 and "not a regular file" in result.stderr


def test_overlay_updates_past_the_copy_limit_are_refused_before_copying(tmp_path: Path) -> None:
    import time

    import yaml

    from generator.spec.overlay import MAX_OVERLAY_VALUES

    # 6,000 values into each of the corpus's ~600 schemas: 3.6 million copies (it ran for
    # minutes and over a gigabyte before the limit).
    update = {f"x-k{i}": {"a": i, "b": [1, 2, 3]} for i in range(1000)}
    overlay = {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}}
    overlay["actions"] = [{"target": "$.components.schemas.*", "update": update}]
    (tmp_path / "overlay.yaml").write_text(yaml.safe_dump(overlay), encoding="utf-8")
    pages = str(ROOT / "tests" / "corpus" / "graph-docs")
    started = time.monotonic()
    result = run_cli("spec", pages, "--overlay", "overlay.yaml", "-o", "o.yaml", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"more than {MAX_OVERLAY_VALUES:,} values" in result.stderr
    assert "overlay.yaml:2 at /actions/0" in result.stderr  # the action, by line and pointer
    assert time.monotonic() - started < 60 and not (tmp_path / "o.yaml").exists()


def test_a_pattern_repetition_count_too_large_for_re_is_exit_2_and_a_finding(
    tmp_path: Path,
) -> None:
    # The validator compiles the pattern to check the example: OverflowError, a traceback.
    import yaml

    schema = {"$ref": "#/components/schemas/A"}
    ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    field = {"type": "string", "pattern": "x{99999999999}", "example": "x"}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": ok}}}},
        "components": {"schemas": {"A": {"type": "object", "properties": {"x": field}}}},
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    generated = run_cli("generate", "s.yaml", "-o", "sdk", cwd=tmp_path)
    assert generated.returncode == 2, generated.stderr
    assert "repetition number is too large" in generated.stderr
    assert "Traceback" not in generated.stderr and not (tmp_path / "sdk").exists()
    linted = run_cli("lint", "s.yaml", cwd=tmp_path)
    assert linted.returncode == 1 and "Traceback" not in linted.stderr
    assert "spec-pattern" in linted.stdout
