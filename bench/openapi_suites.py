"""Judge apigen and its peers on the peers' own OpenAPI test documents, in one run.

The documents are openapi-python-client's end_to_end_tests (with `documents_with_errors/`)
and datamodel-code-generator's tests/data/openapi, copied under
/work/shared/corpus/openapi-suites. For every document the script

1. asks openapi-spec-validator whether it is valid (relative `$ref`s resolved beside it);
2. runs each generator on it into a temporary folder: exit code, and whether its output has
   a Python traceback (a crash) or only its own error (a clean refusal);
3. for each generated package: imports it (and its `models`), runs `mypy --strict` over it
   (in batches: one mypy call checks many packages with distinct names), and counts the
   Any rate: the share of model fields whose annotation contains `Any`.

It prints one table, per tool, split into documents valid and invalid per the validator.
apigen runs from this checkout (or `--apigen-root`) with the running python; the peers
(openapi-python-client, datamodel-code-generator, and mypy for their output) come from
`--peer-python`'s venv. Peer results are cached by document hash and tool version
(`--peer-cache`), since the peers do not change between runs of apigen's fixes.

    python bench/openapi_suites.py                        # the whole suite, table
    python bench/openapi_suites.py --only nullable --tools apigen
    python bench/openapi_suites.py --limit 20 --json > /tmp/suites.json
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SUITE = Path("/work/shared/corpus/openapi-suites")
DEFAULT_PEER_PYTHON = "/work/bench-venv/bin/python"
DEFAULT_PEER_CACHE = Path.home() / ".cache" / "apigen-bench" / "openapi-suites.json"
TOOLS = ("apigen", "openapi-python-client", "datamodel-codegen")
# Package name prefixes: every generated package has a distinct name, so one mypy call and
# one importing interpreter can take many of them.
PREFIX = {"apigen": "ag", "openapi-python-client": "oapc", "datamodel-codegen": "dmcg"}
DISTRIBUTION = {
    "apigen": "apigen",
    "openapi-python-client": "openapi-python-client",
    "datamodel-codegen": "datamodel-code-generator",
}
# Bump when what is measured or how changes, so cached peer results are measured again.
CACHE_VERSION = 2  # 2: outcomes count the fields typed `object`
DATA_SUFFIXES = (".yaml", ".yml", ".json", ".jsonschema")
TRACEBACK = "Traceback (most recent call last)"
MYPY_BATCH = 40


# -- documents -------------------------------------------------------------------------


@dataclass
class Document:
    """One OpenAPI document of the suite and the validator's verdict on it."""

    name: str  # path relative to the suite folder
    path: Path
    index: int  # position in the whole suite: stable package names under --only
    sha256: str  # of the document and the files its relative `$ref`s reach
    valid: bool = False
    verdict: str = ""  # "valid", or the validator's first error line


def _read_data(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _relative_refs(value: Any, base: Path) -> Iterator[Path]:
    """The files a document's `$ref`s name beside it (not `#...`, not URLs)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                target = item.split("#", 1)[0]
                if target and "://" not in target:
                    yield (base.parent / target).resolve()
            else:
                yield from _relative_refs(item, base)
    elif isinstance(value, list):
        for item in value:
            yield from _relative_refs(item, base)


def find_documents(suite: Path) -> list[Document]:
    """The suite's documents: every data file with an `openapi`/`swagger` key, and every
    other data file no document refers to (unreadable or non-OpenAPI inputs a generator must
    refuse); files reached only through another file's `$ref` are fragments, not documents."""
    files = sorted(
        p.resolve() for p in suite.rglob("*") if p.is_file() and p.suffix in DATA_SUFFIXES
    )
    refs: dict[Path, set[Path]] = {}
    is_openapi: dict[Path, bool] = {}
    for path in files:
        try:
            data = _read_data(path)
        except (ValueError, yaml.YAMLError, UnicodeDecodeError):
            data = None
        refs[path] = set(_relative_refs(data, path))
        is_openapi[path] = isinstance(data, dict) and ("openapi" in data or "swagger" in data)
    referenced = set().union(*refs.values()) if refs else set()
    documents: list[Document] = []
    for path in files:
        if not is_openapi[path] and path in referenced:
            continue
        digest = hashlib.sha256(path.read_bytes())
        reached, todo = set(), list(refs[path])
        while todo:
            target = todo.pop()
            if target in reached or not target.is_file():
                continue
            reached.add(target)
            todo.extend(refs.get(target, ()))
        for target in sorted(reached):
            digest.update(target.read_bytes())
        documents.append(
            Document(
                str(path.relative_to(suite.resolve())), path, len(documents), digest.hexdigest()
            )
        )
    return documents


# Checks each document given, one JSON line per document, read by the validator's own reader
# (YAML dates stay strings; relative `$ref`s resolve beside the file), JSON files as strict
# JSON. The validator loops without end on some documents (an `allOf` cycle:
# allof_required_inherited_rw_cycle.yaml), so each gets an alarm, and the worker runs under
# a memory cap (see `work_lines`).
_VALIDATOR = """
import json, signal, sys
from pathlib import Path
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

def alarm(signum, frame):
    raise TimeoutError("the validator took over " + sys.argv[1] + " s")

signal.signal(signal.SIGALRM, alarm)
sys.setrecursionlimit(20_000)
for name in sys.argv[2:]:
    print(json.dumps({"start": name}), flush=True)
    signal.alarm(int(sys.argv[1]))
    try:
        if name.endswith(".json"):  # strict JSON: the reader would take YAML's looser syntax
            with open(name, encoding="utf-8") as fh:
                spec, base_uri = json.load(fh), Path(name).absolute().as_uri()
        else:
            spec, base_uri = read_from_filename(name)
        if not isinstance(spec, dict):
            raise ValueError("not a mapping but " + type(spec).__name__)
        validate(spec, base_uri=base_uri)
        verdict = "valid"
    except BaseException as exc:
        lines = str(exc).strip().splitlines()
        verdict = (type(exc).__name__ + ": " + (lines[0] if lines else ""))[:300]
    finally:
        signal.alarm(0)
    print(json.dumps({"item": name, "result": verdict}), flush=True)
"""


def validate_all(documents: list[Document], setup: Setup, jobs: int) -> None:
    """openapi-spec-validator's verdict on each document, relative `$ref`s resolved beside it,
    in `jobs` worker processes."""
    names = [str(doc.path) for doc in documents]
    chunks = [names[i::jobs] for i in range(jobs)]
    verdicts: dict[str, str] = {}
    seconds, memory = VALIDATOR_LIMITS
    cmd = [sys.executable, "-c", _VALIDATOR, str(seconds)]

    def check(chunk: list[str]) -> dict[str, str]:
        return work_lines(cmd, chunk, ROOT, setup, "apigen", seconds, memory)

    with ThreadPoolExecutor(jobs) as pool:
        for result in pool.map(check, chunks):
            verdicts.update(result)
    for doc in documents:
        doc.verdict = verdicts[str(doc.path)]
        doc.valid = doc.verdict == "valid"


# -- running the generators ------------------------------------------------------------


@dataclass
class Outcome:
    """What one tool did with one document."""

    status: str  # generated | refused | crashed | timeout
    rc: int
    seconds: float
    message: str = ""  # the refusal's or crash's last line
    warnings: list[str] = field(default_factory=list)
    package: str = ""
    imports: bool | None = None
    import_error: str = ""
    mypy_errors: list[str] | None = None  # None: not checked
    fields: int = 0
    any_fields: list[str] = field(default_factory=list)  # "Class.field: annotation"
    # Fields typed `object` (any value, without Any's escape from type checking): with the
    # Any fields, the fields whose type says nothing about the value.
    object_fields: list[str] = field(default_factory=list)


@dataclass
class Setup:
    """Where things run and with what."""

    work: Path
    peer_python: Path
    timeout: float
    apigen_root: Path = ROOT  # the checkout whose `python -m generator` runs

    @property
    def peer_bin(self) -> Path:
        return self.peer_python.parent

    def env(self, tool: str) -> dict[str, str]:
        env = dict(os.environ)
        env["NO_COLOR"] = "1"
        env["COLUMNS"] = "200"  # rich's boxes (openapi-python-client) wrap less
        env.pop("PYTHONPATH", None)
        if tool == "apigen":
            env["APIGEN_CACHE_DIR"] = str(self.work / "apigen-cache")
            env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave another checkout as it is
        else:
            # openapi-python-client's post hooks run `ruff` from its venv.
            env["PATH"] = f"{self.peer_bin}{os.pathsep}{env.get('PATH', '')}"
        return env

    def packages(self, tool: str) -> Path:
        """The folder holding every package the tool generated (or a link to it)."""
        return self.work / "pkgs" / tool

    def python(self, tool: str) -> str:
        return sys.executable if tool == "apigen" else str(self.peer_python)


# Some documents make a validator loop and grow without end: every generator and worker
# process gets this much address space (a MemoryError then counts as its crash).
MEMORY_LIMIT = 6 * 1024**3
# The validator takes under 2 s and 100 MB on every document it can decide; one it cannot
# is stopped sooner than a generator (its verdict is then the TimeoutError or MemoryError).
VALIDATOR_LIMITS = (10, 2 * 1024**3)


def _limit(proc: subprocess.Popen[Any], limit: int = MEMORY_LIMIT) -> None:
    """Cap a process just started (its children inherit the cap)."""
    try:
        resource.prlimit(proc.pid, resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass  # it has exited already


def run(
    cmd: list[str], cwd: Path, env: dict[str, str], timeout: float, limit: bool = True
) -> tuple[int, float, str]:
    """Run a command: (exit code, seconds, stdout and stderr); -9 on timeout. The command
    gets its own process group, so a timeout ends what it started too."""
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        return 127, time.perf_counter() - start, str(exc)
    if limit:
        _limit(proc)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        rc = -9
    return rc, time.perf_counter() - start, (stdout + stderr).decode("utf-8", "replace")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:400] if lines else ""


def _crash_line(text: str) -> str:
    """The exception line that ends the last traceback in the output (plain or rich's box)."""
    lines = text[text.rfind(TRACEBACK) :].splitlines()
    boxed = [i for i, line in enumerate(lines) if line.startswith("╰")]
    if boxed:
        lines = lines[boxed[-1] :]
    for line in lines[1:]:
        if line and not line.startswith((" ", "\t")) and not line.startswith("During handling"):
            return line.strip()[:400]
    return _last_line(text)


def _refusal_line(tool: str, text: str) -> str:
    """The tool's own error: openapi-python-client's first lines under its header (its last
    line asks for an issue), the others' last line."""
    if tool == "openapi-python-client" and "Error(s) encountered" in text:
        body = text[text.index("Error(s) encountered") :].splitlines()[1:]
        lines = [
            line.strip() for line in body if line.strip() and not line.startswith("If you believe")
        ]
        return " | ".join(lines[:3])[:400]
    return _last_line(text)


_WARNING_LINE = {
    "apigen": re.compile(r"^apigen: warning: (.*)$"),
    # "WARNING parsing GET /path within default. ..." under a "Warning(s) encountered" header.
    "openapi-python-client": re.compile(r"^WARNING (.*)$"),
    "datamodel-codegen": re.compile(r"^\S*:\d+: (?!FutureWarning)(\w*Warning: .*)$"),
}


def classify(tool: str, rc: int, seconds: float, out: str, written: bool) -> Outcome:
    """Generated, refused (the tool's own error, no traceback), crashed or timed out."""
    warnings = [m.group(1)[:300] for m in map(_WARNING_LINE[tool].match, out.splitlines()) if m]
    if rc == -9:
        return Outcome("timeout", rc, seconds, "timed out", warnings)
    if TRACEBACK in out:
        return Outcome("crashed", rc, seconds, _crash_line(out), warnings)
    if rc != 0:
        return Outcome("refused", rc, seconds, _refusal_line(tool, out), warnings)
    if not written:
        return Outcome("refused", rc, seconds, "exit 0 but nothing written", warnings)
    return Outcome("generated", rc, seconds, "", warnings)


def generate(tool: str, doc: Document, setup: Setup) -> Outcome:
    """Run one generator on one document; its package ends up in setup.packages(tool)."""
    package = f"{PREFIX[tool]}_{doc.index:03d}"
    target = setup.packages(tool) / package
    env = setup.env(tool)
    if tool == "apigen":
        project = setup.work / "apigen" / package
        cmd = [sys.executable, "-m", "generator", "generate", str(doc.path), "-o", str(project)]
        rc, seconds, out = run(
            cmd + ["--package", package, "--jobs", "1"], setup.apigen_root, env, setup.timeout
        )
        written = (project / package / "__init__.py").is_file()
        if written:
            target.symlink_to(project / package, target_is_directory=True)
    elif tool == "openapi-python-client":
        config = setup.work / "oapc-config" / f"{package}.yaml"
        config.write_text(f"package_name_override: {package}\nproject_name_override: {package}\n")
        cmd = [str(setup.peer_bin / "openapi-python-client"), "generate", "--path", str(doc.path)]
        cmd += ["--output-path", str(target), "--meta", "none", "--config", str(config)]
        rc, seconds, out = run(cmd, setup.work, env, setup.timeout)
        written = (target / "__init__.py").is_file()
    else:
        cmd = [str(setup.peer_bin / "datamodel-codegen"), "--input", str(doc.path)]
        cmd += ["--input-file-type", "openapi", "--output", str(target / "models.py")]
        rc, seconds, out = run(cmd, setup.work, env, setup.timeout)
        if rc != 0 and "Modular references require an output directory" in out:
            # Dotted schema names make it write a package of modules: give it a folder.
            cmd[-1] = str(target / "models")
            rc, more, out = run(cmd, setup.work, env, setup.timeout)
            seconds += more
        written = (target / "models.py").is_file() or (target / "models").is_dir()
        if written:
            (target / "__init__.py").touch()
    outcome = classify(tool, rc, seconds, out, written)
    if outcome.status == "generated":
        outcome.package = package
        fields = model_fields(tool, target)
        outcome.fields = len(fields)
        outcome.any_fields = [
            f"{cls}.{name}: {ann}" for cls, name, ann, has_any, _ in fields if has_any
        ]
        outcome.object_fields = [
            f"{cls}.{name}: {ann}"
            for cls, name, ann, has_any, has_object in fields
            if has_object and not has_any
        ]
    return outcome


# -- the Any rate ----------------------------------------------------------------------


def _model_files(tool: str, package: Path) -> list[Path]:
    if (package / "models.py").is_file():
        return [package / "models.py"]
    models = package / "models"
    # datamodel-codegen's package of modules keeps classes in `__init__.py` too.
    return sorted(models.rglob("*.py")) if models.is_dir() else []


def _annotation(node: ast.expr) -> ast.expr:
    """A string annotation parsed; anything else as it is."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return node
    return node


def _names(node: ast.expr) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.update(re.findall(r"\w+", sub.value))
    return found


def _is_catch_all(tool: str, stmt: ast.AnnAssign) -> bool:
    """openapi-python-client's `additional_properties: dict[str, Any] = _attrs_field(init=False,
    ...)` on every model holds unknown keys; it is no field of the schema."""
    value = stmt.value
    return (
        tool == "openapi-python-client"
        and isinstance(value, ast.Call)
        and any(
            k.arg == "init" and isinstance(k.value, ast.Constant) and k.value.value is False
            for k in value.keywords
        )
    )


def model_fields(tool: str, package: Path) -> list[tuple[str, str, str, bool, bool]]:
    """(class, field, annotation, contains Any, contains `object`) for each annotated class attribute of the
    package's models modules, ClassVars and the tool's own catch-all fields left out."""
    fields = []
    for path in _model_files(tool, package):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            for stmt in cls.body:
                if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
                    continue
                annotation = _annotation(stmt.annotation)
                names = _names(annotation)
                if "ClassVar" in names or _is_catch_all(tool, stmt):
                    continue
                fields.append(
                    (
                        cls.name,
                        stmt.target.id,
                        ast.unparse(annotation),
                        "Any" in names,
                        "object" in names,
                    )
                )
    return fields


# -- imports and mypy over many packages -----------------------------------------------

# Imports each named package and its models, one JSON line per package.
_IMPORTER = """
import importlib, json, signal, sys

def alarm(signum, frame):
    raise TimeoutError("the import took over " + sys.argv[1] + " s")

signal.signal(signal.SIGALRM, alarm)
for name in sys.argv[2:]:
    print(json.dumps({"start": name}), flush=True)
    error = ""
    signal.alarm(int(sys.argv[1]))
    try:
        importlib.import_module(name)
        importlib.import_module(name + ".models")
    except BaseException as exc:
        error = (type(exc).__name__ + ": " + str(exc)).splitlines()[0][:300]
    finally:
        signal.alarm(0)
    print(json.dumps({"item": name, "result": error}), flush=True)
"""


def import_check(tool: str, packages: list[str], setup: Setup) -> dict[str, str]:
    """package -> "" when it imports, else the error; one interpreter for all of them."""
    cmd = [setup.python(tool), "-c", _IMPORTER, str(int(setup.timeout))]
    return work_lines(cmd, packages, setup.packages(tool), setup, tool, setup.timeout)


def work_lines(
    cmd: list[str],
    items: list[str],
    cwd: Path,
    setup: Setup,
    tool: str,
    timeout: float,
    memory: int = MEMORY_LIMIT,
) -> dict[str, str]:
    """Run a worker given `items` as arguments, which prints {"start": item} and then
    {"item": item, "result": text} for each. An item that kills the worker, or gives no line
    within the timeout, gets "died"/"timed out"; the worker starts again for the rest."""
    results: dict[str, str] = {}
    todo = list(items)
    while todo:
        proc = subprocess.Popen(
            cmd + todo,
            cwd=cwd,
            env=setup.env(tool),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        _limit(proc, memory)
        assert proc.stdout is not None
        started = todo[0]
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], timeout + 30)
            line = proc.stdout.readline() if ready else ""
            if not line:
                break
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and "start" in item:
                started = item["start"]
            elif isinstance(item, dict) and "item" in item:
                results[item["item"]] = item["result"]
        if proc.poll() is None:
            proc.kill()
        rc = proc.wait()
        todo = [i for i in todo if i not in results]
        if todo:
            culprit = started if started in todo else todo[0]
            results[culprit] = (
                "TimeoutError: no answer"
                if rc < 0 and not ready
                else f"the worker died (exit {rc})"
            )
            todo.remove(culprit)
    return results


_MYPY_LINE = re.compile(r"^(?P<package>\w+)[/\\][^:]*:\d+(?::\d+)?: error: ")


def mypy_check(tool: str, packages: list[str], setup: Setup) -> dict[str, list[str]]:
    """package -> its `mypy --strict` errors. One call for the batch; a batch mypy cannot
    finish (exit 2: a blocking error or a crash) is halved until the culprit is alone."""
    cache = setup.work / "mypy-cache" / f"{PREFIX[tool]}-{packages[0]}"
    cmd = [setup.python(tool), "-m", "mypy", "--strict", "--cache-dir", str(cache)]
    cmd += ["--no-error-summary", "--hide-error-context", "--no-color-output", "--show-error-codes"]
    for package in packages:
        cmd += ["-p", package]
    rc, _, out = run(cmd, setup.packages(tool), setup.env(tool), setup.timeout * 4, limit=False)
    if rc not in (0, 1) and len(packages) > 1:
        half = len(packages) // 2
        return {
            **mypy_check(tool, packages[:half], setup),
            **mypy_check(tool, packages[half:], setup),
        }
    errors: dict[str, list[str]] = {p: [] for p in packages}
    for line in out.splitlines():
        match = _MYPY_LINE.match(line)
        if match and match.group("package") in errors:
            errors[match.group("package")].append(line.strip())
    if rc not in (0, 1):
        errors[packages[0]].append(f"mypy exit {rc}: {_last_line(out)}")
    return errors


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- the peer cache --------------------------------------------------------------------


def tool_version(tool: str, setup: Setup) -> str:
    if tool == "apigen":
        git = ["git", "describe", "--always", "--dirty"]
        rc, _, out = run(git, setup.apigen_root, dict(os.environ), 60)
        where = setup.apigen_root
        return f"{_last_line(out)} ({where})" if rc == 0 else str(where)
    cmd = [
        setup.python(tool),
        "-c",
        f"import importlib.metadata as m; print(m.version({DISTRIBUTION[tool]!r}))",
    ]
    rc, _, out = run(cmd, ROOT, setup.env(tool), 60)
    return _last_line(out) if rc == 0 else "missing"


def cache_key(tool: str, version: str, doc: Document) -> str:
    return f"v{CACHE_VERSION} {tool} {version} {doc.sha256}"


def load_cache(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def save_cache(path: Path | None, cache: dict[str, dict[str, Any]]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(cache, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


# -- typed fields: the schema names a type ----------------------------------------------
# Issue 17's target counts the fields whose schema names a type (directly or through
# `$ref`, `allOf`, `oneOf`, ...): those must not end as Any/`object`. A field whose schema
# gives no shape (`true`, `{}`, a free-form object) is honestly `object`. The generated
# field is matched back to its schema by name, the same way for every tool.

_PRIMITIVE = {"string", "integer", "number", "boolean", "null"}


def _norm(name: str) -> str:
    """A name as every tool may spell it: letters and digits, lower case."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


class _Schemas:
    """A document's schemas, `$ref`s followed (in the document and in files beside it)."""

    def __init__(self, path: Path) -> None:
        self.files: dict[Path, Any] = {}
        self.root = path.resolve()

    def _data(self, path: Path) -> Any:
        if path not in self.files:
            try:
                self.files[path] = _read_data(path)
            except (OSError, ValueError, yaml.YAMLError):
                self.files[path] = None
        return self.files[path]

    def resolve(self, schema: Any, base: Path) -> tuple[Any, Path]:
        """The schema a `$ref` names (None when it cannot be found), and its file."""
        for _ in range(32):
            if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
                return schema, base
            target, _, pointer = schema["$ref"].partition("#")
            if "://" in target:
                return None, base
            if target:
                base = (base.parent / target).resolve()
            node = self._data(base)
            for part in pointer.split("/")[1:]:
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    return None, base
            schema = node
        return None, base

    def typed(self, schema: Any, base: Path, seen: frozenset[int] = frozenset()) -> bool:
        """Whether the schema names a type with no any-value part at its own level."""
        schema, base = self.resolve(schema, base)
        if schema is None:
            return True  # unreadable: counted as typed, against the tools
        if not isinstance(schema, dict):
            return False  # `true` (`false` admits nothing: no field to type)
        if id(schema) in seen:
            return True
        seen = seen | {id(schema)}
        if "enum" in schema or "const" in schema or "properties" in schema:
            return True
        if any(self.typed(s, base, seen) for s in _list(schema.get("allOf"))):
            return True
        for key in ("oneOf", "anyOf"):
            members = _list(schema.get(key))
            if members:
                return all(self.typed(s, base, seen) for s in members)
        types = schema.get("type")
        types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        if not types:
            return False
        for kind in types:
            if kind == "array":
                items = schema.get("items", schema.get("prefixItems"))
                if items is None or not (
                    all(self.typed(s, base, seen) for s in items)
                    if isinstance(items, list)
                    else self.typed(items, base, seen)
                ):
                    return False
            elif kind == "object":
                extra = schema.get("additionalProperties")
                if not (isinstance(extra, dict) and extra and self.typed(extra, base, seen)):
                    return False
            elif kind not in _PRIMITIVE:
                return False
        return True

    def properties(
        self, schema: Any, base: Path, seen: frozenset[int] = frozenset()
    ) -> dict[str, list[tuple[Any, Path]]]:
        """A model's properties, with those its `allOf` parts add or refine (each name with
        every definition it has)."""
        schema, base = self.resolve(schema, base)
        found: dict[str, list[tuple[Any, Path]]] = {}
        if not isinstance(schema, dict) or id(schema) in seen:
            return found
        seen = seen | {id(schema)}
        for part in _list(schema.get("allOf")):
            for name, defs in self.properties(part, base, seen).items():
                found.setdefault(name, []).extend(defs)
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                found.setdefault(str(name), []).append((sub, base))
        return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _walk_schemas(value: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in a document that has `properties` (a model, wherever it is)."""
    if isinstance(value, dict):
        if isinstance(value.get("properties"), dict):
            yield value
        for item in value.values():
            yield from _walk_schemas(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_schemas(item)


@dataclass
class TypedIndex:
    """Whether a document's property names a type: by (model, property), where the model is
    a named schema, else by the property's name alone (typed only if every definition of
    that name is typed, so that no tool is charged for a field that may be untyped)."""

    by_model: dict[tuple[str, str], bool]
    by_name: dict[str, bool]
    # A class that is one schema's value (datamodel-codegen's `root` field of a RootModel).
    by_class: dict[str, bool]

    def typed(self, cls: str, name: str) -> bool:
        if name == "root" and _norm(cls) in self.by_class:
            return self.by_class[_norm(cls)]
        key = (_norm(cls), _norm(name))
        if key in self.by_model:
            return self.by_model[key]
        return self.by_name.get(_norm(name), True)


def typed_index(path: Path) -> TypedIndex:
    """The typed-field index of the document at ``path`` (empty when it cannot be read)."""
    schemas = _Schemas(path)
    base = schemas.root
    data = schemas._data(base)
    by_model: dict[tuple[str, str], bool] = {}
    by_name: dict[str, bool] = {}
    by_class: dict[str, bool] = {}
    if not isinstance(data, dict):
        return TypedIndex(by_model, by_name, by_class)
    named = (
        data.get("components", {}).get("schemas", {})
        if isinstance(data.get("components"), dict)
        else {}
    )
    named = {**(data.get("definitions") or {}), **(named if isinstance(named, dict) else {})}

    def visit(owner: str, defs: list[tuple[Any, Path]], depth: int) -> None:
        # The properties of a model and of its inline objects, each level with every
        # definition the `allOf` parts give it (a refinement `{minLength: 1}` of an inherited
        # string is typed by the string), keyed by the names a class there may take: the
        # path of names from the named schema (`ChildNestedObjectValueDetail`) or the
        # property's own name.
        merged: dict[str, list[tuple[Any, Path]]] = {}
        for schema, file in defs:
            for name, found in schemas.properties(schema, file).items():
                merged.setdefault(name, []).extend(found)
        for name, found in merged.items():
            typed = any(schemas.typed(s, b) for s, b in found)
            by_model[owner, _norm(name)] = by_model.get((owner, _norm(name)), True) and typed
            for cls in (owner + _norm(name), _norm(name)):
                by_class[cls] = by_class.get(cls, True) and typed
            if depth < 6:
                visit(owner + _norm(name), found, depth + 1)
                if depth:
                    visit(_norm(name), found, 6)

    for model, schema in named.items():
        by_class[_norm(str(model))] = schemas.typed(schema, base)
        visit(_norm(str(model)), [(schema, base)], 0)
    for owner in _walk_schemas(data):
        for name, sub in owner["properties"].items():
            key = _norm(str(name))
            by_name[key] = by_name.get(key, True) and schemas.typed(sub, base)
    return TypedIndex(by_model, by_name, by_class)


def typed_losses(doc: Document, outcome: Outcome) -> tuple[int, list[str]]:
    """(the number of typed fields, those ending as Any or `object`) of one outcome: the
    fields less those whose schema names no type."""
    index = typed_index(doc.path)
    lost = []
    untyped = 0
    for entry in outcome.any_fields + outcome.object_fields:
        cls, _, rest = entry.partition(".")
        name = rest.split(":", 1)[0]
        if index.typed(cls, name):
            lost.append(entry)
        else:
            untyped += 1
    return outcome.fields - untyped, lost


# -- the run ---------------------------------------------------------------------------


def measure(
    documents: list[Document],
    tools: list[str],
    setup: Setup,
    jobs: int,
    cache: dict[str, dict[str, Any]],
    versions: dict[str, str],
    progress: Callable[[str], None],
) -> dict[tuple[str, int], Outcome]:
    """Every (tool, document) outcome: generate, then import and mypy the packages."""
    outcomes: dict[tuple[str, int], Outcome] = {}
    todo: list[tuple[str, Document]] = []
    for doc in documents:
        for tool in tools:
            cached = cache.get(cache_key(tool, versions[tool], doc)) if tool != "apigen" else None
            if cached is not None:
                outcomes[tool, doc.index] = Outcome(**cached)
            else:
                todo.append((tool, doc))
    for tool in tools:
        setup.packages(tool).mkdir(parents=True, exist_ok=True)
    (setup.work / "oapc-config").mkdir(exist_ok=True)
    (setup.work / "apigen").mkdir(exist_ok=True)

    done = 0
    lock = threading.Lock()

    def one(item: tuple[str, Document]) -> None:
        nonlocal done
        tool, doc = item
        outcome = generate(tool, doc, setup)
        with lock:
            outcomes[tool, doc.index] = outcome
            done += 1
            if done % 25 == 0 or done == len(todo):
                progress(f"generated {done}/{len(todo)}")

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, todo))

    fresh = {(tool, doc.index) for tool, doc in todo}
    checks: list[tuple[str, str, list[str]]] = []
    for tool in tools:
        packages = sorted(
            outcomes[tool, doc.index].package
            for doc in documents
            if (tool, doc.index) in fresh and outcomes[tool, doc.index].status == "generated"
        )
        if packages:
            checks.append(("import", tool, packages))
            checks.extend(("mypy", tool, batch) for batch in _batches(packages, MYPY_BATCH))
    imported: dict[str, str] = {}
    typed: dict[str, list[str]] = {}

    def check(item: tuple[str, str, list[str]]) -> None:
        kind, tool, packages = item
        if kind == "import":
            result = import_check(tool, packages, setup)
            with lock:
                imported.update(result)
        else:
            errors = mypy_check(tool, packages, setup)
            with lock:
                typed.update(errors)
                progress(f"mypy {tool} {packages[0]}..{packages[-1]}")

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(check, checks))

    for key in fresh:
        outcome = outcomes[key]
        if outcome.status != "generated":
            continue
        outcome.import_error = imported.get(outcome.package, "not checked")
        outcome.imports = outcome.import_error == ""
        outcome.mypy_errors = typed.get(outcome.package)
    for tool, doc in todo:
        if tool != "apigen":
            cache[cache_key(tool, versions[tool], doc)] = asdict(outcomes[tool, doc.index])
    return outcomes


# -- the report ------------------------------------------------------------------------


@dataclass
class Row:
    """A tool's totals over one group of documents."""

    tool: str
    group: str  # valid | invalid
    documents: int = 0
    generated: int = 0
    warned: int = 0
    refused: int = 0
    crashed: int = 0  # a traceback, or a timeout
    imports: int = 0
    mypy_clean: int = 0
    fields: int = 0
    any_fields: int = 0
    object_fields: int = 0
    typed_fields: int = 0  # fields whose schema names a type
    typed_lost: int = 0  # of those, the fields typed Any or `object`

    @property
    def any_rate(self) -> float | None:
        return self.any_fields / self.fields if self.fields else None

    @property
    def untyped_rate(self) -> float | None:
        """Fields typed Any or `object`: whose type says nothing of the value."""
        return (self.any_fields + self.object_fields) / self.fields if self.fields else None

    @property
    def typed_lost_rate(self) -> float | None:
        """Issue 17's target: typed fields (the schema names a type) that end as Any/`object`."""
        return self.typed_lost / self.typed_fields if self.typed_fields else None


# A fixed fifth of the documents, chosen by a seeded hash of their path, is held out: fixes
# are made against the failures seen on the other four fifths, and the held-out rows tell
# whether they carry over to documents nobody looked at. The seed never changes.
HELD_OUT_SEED = "apigen-openapi-suites-1"


def held_out(name: str) -> bool:
    """Whether the document at suite path ``name`` is in the held-out fifth."""
    digest = hashlib.sha256(f"{HELD_OUT_SEED}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 5 == 0


def summarize(
    documents: list[Document], tools: list[str], outcomes: dict[tuple[str, int], Outcome]
) -> list[Row]:
    """Per tool: rows for the valid and invalid documents, then the same for the held-out
    fifth alone (groups `valid held-out`, `invalid held-out`)."""
    rows = []
    for tool in tools:
        for group in ("valid", "invalid", "valid held-out", "invalid held-out"):
            row = Row(tool, group)
            for doc in documents:
                if doc.valid != group.startswith("valid"):
                    continue
                if group.endswith("held-out") and not held_out(doc.name):
                    continue
                outcome = outcomes[tool, doc.index]
                row.documents += 1
                row.generated += outcome.status == "generated"
                row.warned += outcome.status == "generated" and bool(outcome.warnings)
                row.refused += outcome.status == "refused"
                row.crashed += outcome.status in ("crashed", "timeout")
                row.imports += outcome.imports is True
                row.mypy_clean += outcome.mypy_errors == []
                row.fields += outcome.fields
                row.any_fields += len(outcome.any_fields)
                row.object_fields += len(outcome.object_fields)
                if outcome.status == "generated":
                    typed, lost = typed_losses(doc, outcome)
                    row.typed_fields += typed
                    row.typed_lost += len(lost)
            rows.append(row)
    return rows


def table(rows: Iterable[Row]) -> str:
    header = (
        f"{'tool':<22} {'documents':<22} {'generated':>9} {'(warned)':>8} {'refused':>7} "
        f"{'crashed':>7} {'imports':>7} {'mypy-clean':>10}  {'Any rate (fields)':<20} "
        f"{'Any or object':<14} typed as Any/object"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        rate = (
            f"{row.any_rate:6.1%} ({row.any_fields}/{row.fields})"
            if row.any_rate is not None
            else "-"
        )
        untyped = (
            f"{row.untyped_rate:6.1%} ({row.any_fields + row.object_fields})"
            if row.untyped_rate is not None
            else "-"
        )
        lost = (
            f"{row.typed_lost_rate:6.1%} ({row.typed_lost}/{row.typed_fields})"
            if row.typed_lost_rate is not None
            else "-"
        )
        lines.append(
            f"{row.tool:<22} {f'{row.group} {row.documents}':<22} {row.generated:>9} "
            f"{f'({row.warned})':>8} {row.refused:>7} {row.crashed:>7} {row.imports:>7} "
            f"{row.mypy_clean:>10}  {rate:<20} {untyped:<14} {lost}"
        )
    return "\n".join(lines)


def _reason(outcome: Outcome) -> str:
    """A refusal or crash line without the document's path and line, to count alike ones."""
    text = re.sub(r"^apigen: \S+? at /\S*: ", "apigen: ", outcome.message)
    text = re.sub(r"^apigen: /\S+?(:\d+)?: ", "apigen: ", text)
    return text[:140]


def _mypy_reason(line: str) -> str:
    """`pkg/models.py:3: error: ... [code]` -> `models.py [code]`."""
    match = re.match(r"^\w+[/\\](?P<file>[^:]*):\d+(?::\d+)?: error: .*\[(?P<code>[\w-]+)\]$", line)
    return f"{match.group('file')} [{match.group('code')}]" if match else line[:140]


def reasons(
    documents: list[Document],
    tools: list[str],
    outcomes: dict[tuple[str, int], Outcome],
    top: int = 5,
) -> str:
    """Per tool, over the valid documents: the most common refusal, crash and mypy lines."""
    lines = []
    for tool in tools:
        counts: dict[str, Counter[str]] = {
            "refused": Counter(),
            "crashed": Counter(),
            "mypy": Counter(),
        }
        for doc in documents:
            outcome = outcomes[tool, doc.index]
            if not doc.valid:
                continue
            if outcome.status == "refused":
                counts["refused"][_reason(outcome)] += 1
            elif outcome.status in ("crashed", "timeout"):
                counts["crashed"][_reason(outcome)] += 1
            # Each kind of mypy error once per document: how many documents it fails.
            counts["mypy"].update({_mypy_reason(line) for line in outcome.mypy_errors or []})
        for kind, counter in counts.items():
            for text, n in counter.most_common(top):
                lines.append(f"  {tool:<22} {kind:<8} {n:>4} docs  {text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suite", type=Path, default=DEFAULT_SUITE, help="the documents' folder")
    parser.add_argument("--peer-python", type=Path, default=Path(DEFAULT_PEER_PYTHON))
    parser.add_argument(
        "--apigen-root",
        type=Path,
        default=ROOT,
        help="the apigen checkout to run (default: this one), e.g. a `git archive` export",
    )
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS)
    )
    parser.add_argument("--only", default="", help="only documents whose path contains this")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    parser.add_argument("--jobs", type=int, default=2, help="tools run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per generator run")
    parser.add_argument("--peer-cache", type=Path, default=DEFAULT_PEER_CACHE)
    parser.add_argument("--no-cache", action="store_true", help="measure the peers again")
    parser.add_argument("--keep", type=Path, help="keep the generated packages in this folder")
    parser.add_argument(
        "--json", action="store_true", help="per-document results and totals as JSON"
    )
    args = parser.parse_args(argv)
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")

    start = time.perf_counter()

    def progress(text: str) -> None:
        print(f"[{time.perf_counter() - start:6.0f}s] {text}", file=sys.stderr, flush=True)

    documents = find_documents(args.suite)
    documents = [d for d in documents if args.only in d.name]
    if args.limit:
        documents = documents[: args.limit]
    work = Path(tempfile.mkdtemp(prefix="openapi-suites-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    setup = Setup(
        work.resolve(), args.peer_python.absolute(), args.timeout, args.apigen_root.resolve()
    )
    validate_all(documents, setup, args.jobs)
    progress(f"{len(documents)} documents, {sum(d.valid for d in documents)} valid")
    versions = {tool: tool_version(tool, setup) for tool in tools}
    cache_path = None if args.no_cache else args.peer_cache
    cache = load_cache(cache_path)
    try:
        outcomes = measure(documents, tools, setup, args.jobs, cache, versions, progress)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    save_cache(cache_path, cache)
    rows = summarize(documents, tools, outcomes)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime

    if args.json:
        report = {
            "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "cpus": os.cpu_count(),
            "versions": versions,
            "totals": [
                {
                    **asdict(row),
                    "any_rate": row.any_rate,
                    "untyped_rate": row.untyped_rate,
                    "typed_lost_rate": row.typed_lost_rate,
                }
                for row in rows
            ],
            "documents": [
                {
                    "name": doc.name,
                    "valid": doc.valid,
                    "held_out": held_out(doc.name),
                    "verdict": doc.verdict,
                    "results": {tool: asdict(outcomes[tool, doc.index]) for tool in tools},
                    "typed_lost": {
                        tool: typed_losses(doc, outcomes[tool, doc.index])[1] for tool in tools
                    },
                }
                for doc in documents
            ],
        }
        print(json.dumps(report, indent=1))
        return 0
    valid = sum(d.valid for d in documents)
    print(
        f"{len(documents)} documents of {args.suite}: {valid} valid per openapi-spec-validator, "
        f"{len(documents) - valid} invalid; {seconds:.0f} s wall, {cpu:.0f} s CPU on "
        f"{os.cpu_count()} cores"
    )
    print("versions: " + ", ".join(f"{tool} {version}" for tool, version in versions.items()))
    print(table(rows))
    print(
        "generated: exit 0 with a package written ((warned): with warnings); refused: the tool's "
        "own error, no traceback;\ncrashed: a Python traceback or a timeout; Any rate: model "
        "fields whose annotation contains Any; Any or object: those and the fields typed\n"
        "`object` (any value); typed as Any/object: of the fields whose schema names a type\n"
        "(through $ref, allOf, oneOf...; not `true`, `{}` or a free-form object), those typed "
        "Any or `object` (issue 17's target). Rows `held-out`: the fifth of the documents set apart by a seeded "
        "hash of their path (fixes are not made against them)."
    )
    print("\nMost common reasons among the valid documents (documents they cover):")
    print(reasons(documents, tools, outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
