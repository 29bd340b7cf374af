"""The command line as users meet it: verbs, exit codes, one-line errors, nothing lost."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, cli_command, cli_env, run_cli

SEED_PAGE = ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md"


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def built_sdk(tmp_path: Path) -> Path:
    """A copy of the committed seed SDK that a bad run must leave alone, as `generate` makes
    it: without the version record `build` keeps (generate refuses a folder that has one)."""
    out = tmp_path / "sdk"
    record = (".apigen-spec.yaml", "CHANGELOG.md")
    shutil.copytree(ROOT / "generated" / "seed", out, ignore=shutil.ignore_patterns("__pycache__", *record))
    manifest = out / ".apigen-manifest"
    kept = [line for line in manifest.read_text(encoding="utf-8").splitlines() if line not in record]
    manifest.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return out


def _assert_bad_input(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_build_with_no_config_builds_the_bundled_seed_page(tmp_path: Path) -> None:
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "specs" / "seed.yaml").read_bytes() == (ROOT / "specs" / "seed.yaml").read_bytes()
    assert _tree_digest(tmp_path / "generated" / "seed") == _tree_digest(ROOT / "generated" / "seed")
    again = run_cli("build", "--check", cwd=tmp_path)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_spec_then_generate_gives_the_same_sdk_as_build(tmp_path: Path) -> None:
    spec = tmp_path / "seed.yaml"
    assert run_cli("spec", str(SEED_PAGE), "-o", str(spec)).returncode == 0
    result = run_cli("generate", str(spec), "-o", str(tmp_path / "seed"), "--package", "seed_sdk", "--distribution", "seed-sdk")
    assert result.returncode == 0, result.stderr
    # `build` adds the version record (.apigen-spec.yaml, CHANGELOG.md); the SDK is the same.
    generated = sorted(p.relative_to(tmp_path / "seed") for p in (tmp_path / "seed").rglob("*") if p.is_file())
    for name in generated:
        if name.name not in (".apigen-manifest", ".apigen-fingerprint"):
            assert (tmp_path / "seed" / name).read_bytes() == (ROOT / "generated" / "seed" / name).read_bytes(), name
    assert {p.name for p in generated} >= {"client.py", "__init__.py", "py.typed", "pyproject.toml"}


def test_generate_check_exits_1_with_a_diff_when_stale(tmp_path: Path) -> None:
    # A folder `generate` wrote (one `build` manages is refused, exit 2, before any check).
    built_sdk = tmp_path / "sdk"
    args = ("generate", str(ROOT / "specs" / "seed.yaml"), "-o", str(built_sdk), "--package", "seed_sdk", "--distribution", "seed-sdk")
    assert run_cli(*args).returncode == 0
    (built_sdk / "seed_sdk" / "client.py").write_text("# edited\n", encoding="utf-8")
    result = run_cli(*args, "--check")
    assert result.returncode == 1
    assert "-# edited" in result.stdout and "+++ b/sdk/seed_sdk/client.py" in result.stdout
    assert (built_sdk / "seed_sdk" / "client.py").read_text() == "# edited\n"


def test_missing_page_is_exit_2_naming_the_file(tmp_path: Path, built_sdk: Path) -> None:
    result = run_cli("spec", str(tmp_path / "nope.md"), "-o", str(tmp_path / "x.yaml"))
    _assert_bad_input(result, "nope.md", "file not found")
    assert not (tmp_path / "x.yaml").exists()


def test_page_without_http_block_is_exit_2_with_a_line(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    text = SEED_PAGE.read_text(encoding="utf-8")
    start = text.index("## HTTP request")
    end = text.index("## Request headers")
    page.write_text(text[:start] + text[end:], encoding="utf-8")
    result = run_cli("spec", str(page), "-o", str(tmp_path / "x.yaml"))
    _assert_bad_input(result, "broken.md:")
    assert not (tmp_path / "x.yaml").exists()


def test_malformed_property_table_is_reported_with_its_line(tmp_path: Path) -> None:
    page = tmp_path / "table.md"
    text = SEED_PAGE.read_text(encoding="utf-8")
    page.write_text(text.replace("|startedDateTime|DateTimeOffset|", "|startedDateTime|", 1), encoding="utf-8")
    result = run_cli("spec", str(page), "-o", str(tmp_path / "x.yaml"))
    if result.returncode == 0:
        # A ragged row is tolerated as real pages need; the builder must still say so.
        assert "startedDateTime" in (tmp_path / "x.yaml").read_text()
    else:
        _assert_bad_input(result, "table.md:")


def test_invalid_yaml_is_exit_2_naming_file_and_line(tmp_path: Path, built_sdk: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'\npaths: {}\n", encoding="utf-8")
    before = _tree_digest(built_sdk)
    result = run_cli("generate", str(spec), "-o", str(built_sdk), "--package", "seed_sdk")
    _assert_bad_input(result, "bad.yaml:", "invalid YAML")
    assert _tree_digest(built_sdk) == before


def test_spec_failing_validation_is_exit_2_with_pointer_and_line(tmp_path: Path, built_sdk: Path) -> None:
    text = (ROOT / "specs" / "seed.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "invalid.yaml"
    spec.write_text(text.replace("operationId: updateLearningSelfInitiatedCourse", "operationId: [not, a, string]"), encoding="utf-8")
    before = _tree_digest(built_sdk)
    result = run_cli("generate", str(spec), "-o", str(built_sdk), "--package", "seed_sdk")
    _assert_bad_input(result, "invalid.yaml:", "/paths/~1learningSelfInitiatedCourse/patch", "invalid OpenAPI")
    assert _tree_digest(built_sdk) == before


@pytest.mark.parametrize(
    "body",
    [
        "components: {schemas: 5}\npaths: {}",
        "paths: {/x: {get: {parameters: 7, responses: {'200': {description: ok}}}}}",
        "paths: {/x: {get: 5}}",
    ],
)
def test_a_spec_the_ir_builder_cannot_read_reports_the_validators_error(
    tmp_path: Path, built_sdk: Path, body: str
) -> None:
    # The IR is built while openapi-spec-validator runs alongside; whatever the
    # builder makes of a broken spec, the validator's verdict is what the user sees.
    spec = tmp_path / "broken.yaml"
    spec.write_text(f"openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{body}\n", encoding="utf-8")
    before = _tree_digest(built_sdk)
    result = run_cli("generate", str(spec), "-o", str(built_sdk), "--package", "seed_sdk")
    _assert_bad_input(result, "broken.yaml:3", "invalid OpenAPI")
    assert _tree_digest(built_sdk) == before


def test_a_refused_spec_never_leaves_the_validators_process_printing(tmp_path: Path) -> None:
    # The small spec's judge process is shut down before apigen exits, whichever stage
    # refused the spec first; a child torn down mid-task used to print a traceback.
    spec = tmp_path / "external.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      responses: {'200': {$ref: 'file:///etc/hostname'}}\n",
        encoding="utf-8",
    )
    for _ in range(6):
        result = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), "--package", "x_sdk")
        _assert_bad_input(result, "external.yaml:", "is remote")
        assert not (tmp_path / "out").exists()


def test_a_path_segment_named_twice_is_exit_2_with_pointer(tmp_path: Path, built_sdk: Path) -> None:
    # The client fills `{name}` segments from its positional parameters, one each, in order.
    spec = tmp_path / "twice.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things/{a}/{a}:\n    get:\n"
        "      operationId: getThing\n      parameters:\n"
        "        - {name: a, in: path, required: true, schema: {type: string}}\n"
        "      responses:\n        '204': {description: ok}\n",
        encoding="utf-8",
    )
    before = _tree_digest(built_sdk)
    result = run_cli("generate", str(spec), "-o", str(built_sdk), "--package", "seed_sdk")
    _assert_bad_input(result, "twice.yaml:6", "/paths/~1things~1{a}~1{a}/get", "segments ['a', 'a']")
    assert _tree_digest(built_sdk) == before


def test_unknown_verb_and_missing_argument_are_usage_errors() -> None:
    _assert_bad_input(run_cli("frobnicate"), "invalid choice")
    _assert_bad_input(run_cli("generate", "specs/seed.yaml"), "-o/--output")


@pytest.mark.parametrize("verb", ["spec", "generate", "build", "init", "lint", "diff"])
def test_every_verb_has_help_with_an_example(verb: str) -> None:
    result = run_cli(verb, "--help")
    assert result.returncode == 0
    assert "example: apigen" in result.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("apigen ")


def test_diff_of_a_page_and_its_own_spec_reports_no_change() -> None:
    result = run_cli("diff", str(SEED_PAGE), "specs/seed.yaml")
    assert result.returncode == 0, result.stderr
    assert "No changes" in result.stdout


def test_diff_fails_on_a_breaking_change(tmp_path: Path) -> None:
    text = (ROOT / "specs" / "seed.yaml").read_text(encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(text.replace("      - completed\n", "", 1), encoding="utf-8")
    result = run_cli("diff", "specs/seed.yaml", str(new), "--format", "json")
    assert result.returncode == 1
    assert '"bump": "major"' in result.stdout
    assert run_cli("diff", "specs/seed.yaml", str(new), "--fail-on", "none").returncode == 0


def test_a_package_name_that_is_not_an_identifier_is_bad_usage(tmp_path: Path) -> None:
    result = run_cli("generate", "specs/seed.yaml", "-o", str(tmp_path / "x"), "--package", "../evil")
    _assert_bad_input(result, "--package", "not a valid")
    assert not (tmp_path / "x").exists() and not (tmp_path / "evil").exists()


def test_a_reader_that_stops_reading_ends_the_run_quietly() -> None:
    # `apigen lint ... | head -0`: stdout is closed before apigen writes its report.
    proc = subprocess.Popen(
        cli_command("lint", "specs/seed.yaml", "--format", "json"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    assert proc.stdout is not None
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 141, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_a_profiled_run_exits_normally_and_keeps_its_profile(tmp_path: Path) -> None:
    # `apigen` skips the interpreter's teardown, except under a profiler or a tracer
    # (coverage), which write their results at a normal exit.
    profile = tmp_path / "run.prof"
    result = run_cli("lint", "specs/seed.yaml", python=("-m", "cProfile", "-o", str(profile)))
    assert result.returncode in (0, 1), result.stderr
    assert profile.stat().st_size > 0


@pytest.mark.parametrize(
    ("path", "text", "fragment"),
    [
        ("package/__package__/client.py.j2", "ok\n{% if %}\n", "client.py.j2:2: template syntax"),
        ("package/__package__/client.py.j2", "{{ nothing_here }}\n", "'nothing_here' is undefined"),
        ("partials/operation.py.j2", "\n{{ view.op.nope | ident }}\n", "operation.py.j2:2:"),
        ("package/__package__/client.py.j2", '{% include "partials/gone.j2" %}\n', "no template named"),
    ],
    ids=["syntax", "undefined", "attribute", "missing include"],
)
def test_a_mistake_in_a_template_override_is_exit_2_naming_its_line(
    tmp_path: Path, path: str, text: str, fragment: str
) -> None:
    template = tmp_path / "templates" / path
    template.parent.mkdir(parents=True)
    template.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "generate", "specs/seed.yaml", "-o", str(out), "--templates", str(tmp_path / "templates"),
        env={"APIGEN_CACHE_DIR": str(tmp_path / "cache")},
    )
    _assert_bad_input(result, str(template), fragment)
    assert not out.exists()
