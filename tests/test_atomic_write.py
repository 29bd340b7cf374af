"""Nothing lost: a run killed at any moment leaves the old tree or the new one, byte for byte.

A user's story: `generated/` holds last week's SDK plus notes they added; CI regenerates it
and the runner is killed mid-write. Afterwards the folder holds either last week's tree or
the new one - never a mix - the notes are still there, and nothing beside the folder moved.
The same spec always gives the same bytes, whatever the hash seed or the key order.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, run_cli, snapshot

from generator.output.write import MANIFEST, write_tree
from generator.pipeline import generate_output
from generator.sdk.render import PackageInfo

KILLS = int(os.environ.get("APIGEN_KILL_RUNS", "30"))
PACKAGE = "kill_sdk"


def spec(version: str, extra_model: bool) -> dict[str, Any]:
    """A small spec; the two versions differ in title, fields, a model and an operation."""
    schemas: dict[str, Any] = {
        "Course": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string", "description": f"Title ({version})"},
                "status": {"$ref": "#/components/schemas/Status"},
            },
        },
        "Status": {
            "type": "string",
            "enum": ["notStarted", "inProgress", "completed", "unknownFutureValue"],
        },
    }
    paths: dict[str, Any] = {
        "/courses/{id}": {
            "get": {
                "operationId": "getCourse",
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
                                "schema": {"$ref": "#/components/schemas/Course"}
                            }
                        },
                    }
                },
            }
        }
    }
    if extra_model:
        schemas["Provider"] = {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "isEnabled": {"type": "boolean"},
            },
        }
        paths["/providers"] = {
            "post": {
                "operationId": "createProvider",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Provider"}
                        }
                    }
                },
                "responses": {"201": {"description": "created"}},
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Courses {version}", "version": version},
        "servers": [{"url": "https://example.test/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def files_for(data: dict[str, Any]) -> dict[str, str]:
    """What `apigen generate --package kill_sdk` writes for ``data``."""
    return generate_output(json.dumps(data), "spec.json", PackageInfo(PACKAGE, "kill-sdk", "1.0.0"))




def add_user_files(target: Path) -> None:
    """What a user keeps in the generated folder: notes, data, a symlink, an empty folder."""
    (target / "NOTES.md").write_text("my notes\n")
    (target / "extra").mkdir()
    (target / "extra" / "data.txt").write_text("data\n")
    (target / PACKAGE / "local_patch.py").write_text("PATCHED = True\n")
    os.symlink("/etc/hostname", target / "host-link")
    os.symlink(
        "/etc", target / "extra" / "etc-link"
    )  # a folder link: kept, never followed
    (target / "empty").mkdir()


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The old and new builds (with the user's files) as they must look after a run."""
    base = tmp_path_factory.mktemp("trees")
    old_files, new_files = files_for(spec("1", False)), files_for(spec("2", True))
    assert old_files != new_files
    old = base / "old"
    write_tree(old, old_files)
    add_user_files(old)
    new = base / "new"
    shutil.copytree(old, new, symlinks=True)
    write_tree(new, new_files)
    spec_path = base / "new.json"
    spec_path.write_text(json.dumps(spec("2", True)))
    files_path = base / "new-files.json"
    files_path.write_text(json.dumps(new_files))
    return {
        "old": old,
        "old_snapshot": snapshot(old),
        "new_snapshot": snapshot(new),
        "spec": spec_path,
        "files": files_path,
    }


def test_a_regenerated_tree_keeps_the_users_files_and_drops_stale_generated_ones(
    trees: dict[str, Any],
) -> None:
    new = trees["new_snapshot"]
    assert new["NOTES.md"] == b"my notes\n" and new["extra/data.txt"] == b"data\n"
    assert new[f"{PACKAGE}/local_patch.py"] == b"PATCHED = True\n"
    assert new["host-link"] == "-> /etc/hostname" and new["empty"] == "dir"
    assert new["extra/etc-link"] == "-> /etc" and not any(
        k.startswith("extra/etc-link/") for k in new
    )
    assert (
        b"Courses 2" in new[f"{PACKAGE}/__init__.py"] and f"{PACKAGE}/models/__init__.py" in new
    )
    manifest = new[MANIFEST]
    assert (
        isinstance(manifest, bytes)
        and b"NOTES.md" not in manifest
        and b"README.md" in manifest
    )


def prepare(parent: Path, old: Path) -> Path:
    """parent/ holds a sibling file, a sibling folder and sdk/ (a copy of the old tree)."""
    parent.mkdir()
    (parent / "sibling.txt").write_text("beside the output\n")
    (parent / "outside").mkdir()
    (parent / "outside" / "keep.txt").write_text("keep\n")
    target = parent / "sdk"
    shutil.copytree(old, target, symlinks=True)
    return target


def assert_old_or_new(parent: Path, trees: dict[str, Any]) -> str:
    """The output is exactly one of the two trees, and nothing beside it changed."""
    target = parent / "sdk"
    found = snapshot(target)
    state = (
        "old"
        if found == trees["old_snapshot"]
        else "new"
        if found == trees["new_snapshot"]
        else "mixed"
    )
    if state == "mixed":
        old_diff = sorted(set(found) ^ set(trees["old_snapshot"]))
        new_diff = sorted(set(found) ^ set(trees["new_snapshot"]))
        pytest.fail(
            f"a mixed tree: entries differing from old {old_diff[:5]}, from new {new_diff[:5]}"
        )
    assert (parent / "sibling.txt").read_text() == "beside the output\n"
    assert snapshot(parent / "outside") == {"keep.txt": b"keep\n"}
    others = sorted(
        p.name
        for p in parent.iterdir()
        if p.name not in ("sdk", "sibling.txt", "outside")
    )
    assert all(name.startswith(".sdk.apigen-new-") for name in others), others
    return state


# Kill the writer itself at its k-th file-system step: every step of write_tree is covered.
_SELF_KILL = """
import json, os, signal, sys
from pathlib import Path
from generator.output.write import write_tree
files = json.loads(Path(sys.argv[2]).read_text())
limit = int(sys.argv[3])
EVENTS = {"open", "os.mkdir", "os.rename", "os.link", "os.symlink", "os.remove", "os.rmdir",
          "os.chmod", "shutil.rmtree", "shutil.copyfile", "ctypes.call_function", "os.scandir"}
count = 0
def hook(event, args):
    global count
    if event in EVENTS:
        count += 1
        if count == limit:
            os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(hook)
write_tree(Path(sys.argv[1]), files)
print(count)
"""


def test_a_writer_killed_at_each_file_system_step_leaves_the_old_or_the_new_tree(
    trees: dict[str, Any], tmp_path: Path
) -> None:
    def run(target: Path, limit: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: PLW1510 - return codes are asserted
            [
                sys.executable,
                "-c",
                _SELF_KILL,
                str(target),
                str(trees["files"]),
                str(limit),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    probe = prepare(tmp_path / "probe", trees["old"])
    finished = run(probe, 0)
    assert finished.returncode == 0, finished.stderr
    steps = int(finished.stdout)
    assert snapshot(probe) == trees["new_snapshot"]
    seen = []
    for limit in range(1, steps + 1):
        parent = tmp_path / f"step{limit}"
        target = prepare(parent, trees["old"])
        result = run(target, limit)
        assert result.returncode == -signal.SIGKILL, (limit, result.stderr)
        seen.append(assert_old_or_new(parent, trees))
        assert run(target, 0).returncode == 0, "a run after the kill completes"
        assert assert_old_or_new(parent, trees) == "new"
        assert not [p for p in parent.iterdir() if p.name.startswith(".")], (
            "leftovers are cleaned up"
        )
    assert "old" in seen and "new" in seen, seen
    print(
        f"killed at each of {steps} file-system steps: {seen.count('old')} old, {seen.count('new')} new"
    )


def test_the_cli_killed_after_random_delays_leaves_the_old_or_the_new_tree(
    trees: dict[str, Any], tmp_path: Path
) -> None:
    def start(target: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "generator",
                "generate",
                str(trees["spec"]),
                "-o",
                str(target),
                "--package",
                PACKAGE,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    timing = prepare(tmp_path / "timing", trees["old"])
    started = time.monotonic()
    assert start(timing).wait(timeout=120) == 0
    full = time.monotonic() - started
    assert snapshot(timing) == trees["new_snapshot"]
    rng = random.Random(6)
    seen = []
    for run in range(KILLS):
        # Half the kills anywhere in a run, half in its last quarter, where writing happens.
        delay = (
            rng.uniform(0, full * 1.1)
            if run % 2
            else rng.uniform(full * 0.75, full * 1.05)
        )
        parent = tmp_path / f"run{run}"
        target = prepare(parent, trees["old"])
        process = start(target)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        seen.append(assert_old_or_new(parent, trees))
    print(
        f"{KILLS} CLI runs killed after 0..{full * 1100:.0f} ms: {seen.count('old')} old, {seen.count('new')} new"
    )


def test_a_non_empty_folder_without_a_manifest_is_refused(
    tmp_path: Path, trees: dict[str, Any]
) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.tex").write_text("years of work\n")
    result = run_cli(
        "generate", str(trees["spec"]), "-o", str(target), "--package", PACKAGE
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "no .apigen-manifest" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(target) == {"thesis.tex": b"years of work\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_user_file_where_apigen_now_generates_one_is_refused(
    tmp_path: Path, trees: dict[str, Any]
) -> None:
    parent = tmp_path / "parent"
    target = prepare(parent, trees["old"])
    (target / "README.md").unlink()
    manifest = target / MANIFEST
    manifest.write_text(
        "".join(
            line + "\n"
            for line in manifest.read_text().splitlines()
            if line != "README.md"
        )
    )
    (target / "README.md").write_text("the user's own readme\n")
    before = snapshot(target)
    result = run_cli(
        "generate", str(trees["spec"]), "-o", str(target), "--package", PACKAGE
    )
    assert result.returncode == 2 and "README.md was added by hand" in result.stderr, (
        result.stderr
    )
    assert snapshot(target) == before


def test_check_mode_never_reads_through_a_symlink(
    tmp_path: Path, trees: dict[str, Any]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN-" + os.urandom(8).hex() + "\n")
    parent = tmp_path / "parent"
    target = prepare(parent, trees["old"])
    (target / PACKAGE / "client.py").unlink()
    os.symlink(secret, target / PACKAGE / "client.py")
    result = run_cli(
        "generate",
        str(trees["spec"]),
        "-o",
        str(target),
        "--package",
        PACKAGE,
        "--check",
    )
    assert result.returncode == 1, result.stderr
    assert "TOKEN-" not in result.stdout + result.stderr
    assert "a symlink" in result.stdout


def test_a_symlinked_manifest_is_refused(tmp_path: Path, trees: dict[str, Any]) -> None:
    parent = tmp_path / "parent"
    target = prepare(parent, trees["old"])
    (target / MANIFEST).unlink()
    os.symlink("/etc/passwd", target / MANIFEST)
    before = snapshot(target)
    result = run_cli(
        "generate", str(trees["spec"]), "-o", str(target), "--package", PACKAGE
    )
    assert (
        result.returncode == 2
        and "symlink" in result.stderr
        and "root:" not in result.stderr
    ), result.stderr
    assert snapshot(target) == before


def _reorder(value: Any, under: str = "") -> Any:
    """Reverse the key order of every mapping except `properties` (field order is kept on
    purpose: a model's fields follow the spec's order)."""
    if isinstance(value, dict):
        keys = list(value) if under == "properties" else list(reversed(list(value)))
        return {key: _reorder(value[key], key) for key in keys}
    if isinstance(value, list):
        return [_reorder(item) for item in value]
    return value


def test_output_is_byte_identical_across_hash_seeds_and_key_orders(
    tmp_path: Path,
) -> None:
    data = spec("2", True)
    data["components"]["schemas"].update(
        {
            f"Extra{i}": {"type": "object", "properties": {"v": {"type": "string"}}}
            for i in range(12)
        }
    )
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump(data, sort_keys=False))
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps(_reorder(data)))
    outputs = []
    for seed, source in (
        ("0", plain),
        ("1", reordered),
        ("4242", plain),
        ("random", reordered),
    ):
        out = tmp_path / f"out-{seed}"
        result = subprocess.run(  # noqa: PLW1510 - return codes are asserted
            [
                sys.executable,
                "-m",
                "generator",
                "generate",
                str(source),
                "-o",
                str(out),
                "--package",
                PACKAGE,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        outputs.append(snapshot(out))
    # The fingerprint hashes the input text, so it differs between the YAML and the
    # reordered JSON; for the same input it must not depend on the hash seed either.
    assert outputs[0][".apigen-fingerprint"] == outputs[2][".apigen-fingerprint"]
    assert outputs[1][".apigen-fingerprint"] == outputs[3][".apigen-fingerprint"]
    generated = [{k: v for k, v in found.items() if k != ".apigen-fingerprint"} for found in outputs]
    assert all(found == generated[0] for found in generated[1:])
    text = b"".join(v for v in outputs[0].values() if isinstance(v, bytes))
    assert str(tmp_path).encode() not in text, "no absolute paths in the output"
