"""Run apigen and its peers on the same synthetic Graph-style specs, in one run, and compare.

For each size it makes a spec with bench/make_spec.py, then runs each generator as its own
subprocess (through a small wrapper process so the peak RSS measured belongs to that run
alone), and reports wall time, peak memory, what was written (files, lines of .py, bytes),
how long the generated package takes to import and build one model, and its installed size.
Peers live in a separate venv (``--peer-python``) so their pinned dependencies never touch
apigen's. A tool that is missing or fails is reported as such; the run goes on.

    python bench/compare_generators.py                      # 200/400 and 2000/4000
    python bench/compare_generators.py --sizes 200:400 --repeat 3 --json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_spec import dump_yaml, make_spec

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PEER_PYTHON = "/work/bench-venv/bin/python"

# Runs one command and writes its wall time and peak memory as JSON. RUSAGE_CHILDREN in
# this fresh process gives the largest single process among the command and everything it
# waited for; a tool that works in several processes at once (apigen's black workers and
# validator) is also measured as the sum of its process tree's PSS (each page shared by
# forked processes counted once, in shares), sampled every 100 ms.
_WRAPPER = """
import json, os, resource, subprocess, sys, time
result, log, argv = sys.argv[1], sys.argv[2], sys.argv[3:]

def tree_rss_kb(root):
    # Descendants from /proc/PID/task/TID/children (no scan of every process), so that
    # sampling costs the measured tool little CPU.
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    todo.extend(int(child) for child in fh.read().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total

start = time.perf_counter()
peak_tree = 0
with open(log, "wb") as out:
    try:
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        while child.poll() is None:
            peak_tree = max(peak_tree, tree_rss_kb(child.pid))
            time.sleep(0.1)
        rc = child.returncode
    except OSError as exc:
        out.write(str(exc).encode())
        rc = 127
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(result, "w") as fh:
    json.dump({"rc": rc, "wall": wall, "maxrss_kb": usage.ru_maxrss, "tree_kb": peak_tree,
               "cpu": usage.ru_utime + usage.ru_stime}, fh)
"""

# Imports the generated package and builds one model; prints seconds taken. The marker on
# stderr separates interpreter start-up imports from ours in -X importtime's report.
_IMPORTER = """
import importlib, sys, time
MARK = "--bench-import-start--"
sys.stderr.write(MARK + "\\n"); sys.stderr.flush()
start = time.perf_counter()
cls = None
for name in sys.argv[2:]:
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue
    cls = getattr(module, sys.argv[1], None)
    if cls is not None:
        break
if cls is None:
    raise SystemExit("model class not found")
cls()
print(time.perf_counter() - start)
"""


@dataclass
class Run:
    """One measured invocation of a tool."""

    rc: int
    wall: float
    maxrss_kb: int
    tree_kb: int
    cpu: float
    log_tail: str


@dataclass
class Result:
    """Everything measured for one tool on one spec."""

    tool: str
    status: str  # "ok", "missing", "failed", "timeout"
    detail: str = ""
    wall_s: float | None = None
    walls_s: list[float] = field(default_factory=list)
    cpu_s: float | None = None
    peak_rss_mb: float | None = None  # the largest single process
    tree_rss_mb: float | None = None  # the process tree's sum, sampled
    files: int | None = None
    py_lines: int | None = None
    output_mb: float | None = None
    import_ms: float | None = None
    importtime_ms: float | None = None
    installed_mb: float | None = None
    notes: str = ""


@dataclass
class Tool:
    """How to run one generator and where its output and interpreter are."""

    name: str
    argv: Callable[[Path, Path], list[str]]
    python: str
    cwd: Path
    env: dict[str, str]
    makes_code: bool = True
    notes: Callable[[str], str] = lambda log: ""


def _opc_notes(log: str) -> str:
    """openapi-python-client drops schemas it cannot process and says so; count them."""
    dropped: set[str] = set()
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Failure to process schema has resulted in the removal of"):
            for follow in lines[i + 1 :]:
                if not follow.startswith("/components/schemas/"):
                    break
                dropped.add(follow.strip())
    omitted = sum("response will be omitted" in line for line in lines)
    parts = []
    if dropped:
        parts.append(f"dropped {len(dropped)} schemas")
    if omitted:
        parts.append(f"omitted {omitted} responses")
    return ", ".join(parts)


def make_tools(peer_python: str, names: Sequence[str]) -> list[Tool]:
    """The tools to compare, in table order, filtered to ``names``."""
    peer_bin = Path(peer_python).parent
    peer_env = {
        **os.environ,
        "PATH": f"{peer_bin}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    # apigen caches black's output and validation verdicts; a first build must start cold.
    own_env = {**os.environ, "APIGEN_NO_CACHE": "1"}
    tools = [
        Tool(
            "apigen",
            lambda spec, out: [
                sys.executable,
                "-m",
                "generator",
                "generate",
                str(spec),
                "-o",
                str(out),
            ],
            sys.executable,
            ROOT,
            own_env,
        ),
        Tool(
            "openapi-python-client",
            lambda spec, out: [
                str(peer_bin / "openapi-python-client"),
                "generate",
                "--path",
                str(spec),
                "--output-path",
                str(out),
                "--overwrite",
            ],
            peer_python,
            Path(tempfile.gettempdir()),
            peer_env,
            notes=_opc_notes,
        ),
        # Dotted schema names make datamodel-codegen write modules, so its output is a folder.
        Tool(
            "datamodel-codegen",
            lambda spec, out: [
                str(peer_bin / "datamodel-codegen"),
                "--input",
                str(spec),
                "--input-file-type",
                "openapi",
                "--output",
                str(out / "models"),
                "--formatters",
                "black",
            ],
            peer_python,
            Path(tempfile.gettempdir()),
            peer_env,
        ),
        Tool(
            "openapi-spec-validator",
            lambda spec, out: [
                sys.executable,
                "-c",
                (
                    "import sys, yaml; from openapi_spec_validator import validate; "
                    "validate(yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader))"
                ),
                str(spec),
            ],
            sys.executable,
            ROOT,
            own_env,
            makes_code=False,
        ),
    ]
    return [t for t in tools if t.name in names]


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def measure(tool: Tool, spec: Path, out: Path, timeout: float) -> Run | str:
    """Run the tool once in a fresh wrapper; a Run, or "timeout"."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        result, log = Path(tmp) / "result.json", Path(tmp) / "log.txt"
        argv = [
            sys.executable,
            "-c",
            _WRAPPER,
            str(result),
            str(log),
            *tool.argv(spec, out),
        ]
        proc = subprocess.Popen(
            argv, cwd=tool.cwd, env=tool.env, start_new_session=True
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return "timeout"
        except BaseException:  # Ctrl-C or SIGTERM: leave no generator running behind us
            _kill_group(proc)
            raise
        data = json.loads(result.read_text())
        text = log.read_text(errors="replace")
        return Run(data["rc"], data["wall"], data["maxrss_kb"], data["tree_kb"], data["cpu"], text)


def output_stats(out: Path) -> tuple[int, int, int]:
    """(files, lines of .py, bytes) under ``out``, ignoring caches."""
    files = lines = size = 0
    for path in out.rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        files += 1
        size += path.stat().st_size
        if path.suffix == ".py":
            with path.open("rb") as fh:
                lines += sum(1 for _ in fh)
    return files, lines, size


def top_package(out: Path) -> Path | None:
    """The shallowest folder with an __init__.py whose parent has none: the import root."""
    inits = sorted(out.rglob("__init__.py"), key=lambda p: (len(p.parts), str(p)))
    for init in inits:
        if not (init.parent.parent / "__init__.py").exists():
            return init.parent
    return None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def find_model(package: Path, schema_name: str) -> tuple[str, str] | None:
    """(class name, defining module) of the class generated for ``schema_name``."""
    wanted = {_norm(schema_name), _norm(schema_name.rsplit(".", 1)[1])}
    pattern = re.compile(r"^class (\w+)\b", re.MULTILINE)
    for path in sorted(package.rglob("*.py")):
        for match in pattern.finditer(path.read_text(errors="replace")):
            if _norm(match.group(1)) in wanted:
                rel = path.relative_to(package.parent).with_suffix("")
                parts = list(rel.parts)
                if parts[-1] == "__init__":
                    parts.pop()
                return match.group(1), ".".join(parts)
    return None


def import_time(
    python: str, package: Path, cls: str, module: str, repeat: int
) -> tuple[float, float] | str:
    """Median (wall ms of import + one model, -X importtime ms of our imports) over
    ``repeat`` cold interpreters, after one run that writes the .pyc files."""
    top = package.name
    candidates = [top, f"{top}.models", module]
    # .pyc files are written, as an installed package has them (whatever this shell says).
    env = {**os.environ, "PYTHONPATH": str(package.parent)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    walls: list[float] = []
    totals: list[float] = []
    for attempt in range(repeat + 1):
        proc = subprocess.run(
            [python, "-X", "importtime", "-c", _IMPORTER, cls, *candidates],
            capture_output=True,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),
            timeout=600,
            check=False,
        )
        if proc.returncode != 0:
            return (
                "import failed: "
                + (proc.stderr.strip().splitlines() or ["?"])[-1][:200]
            )
        if attempt == 0:
            continue
        walls.append(float(proc.stdout.strip().splitlines()[-1]) * 1000)
        after = proc.stderr.split("--bench-import-start--", 1)[1]
        total_us = 0
        for line in after.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
            if (
                match and len(match.group(2)) == 1
            ):  # top-level import: cumulative counts once
                total_us += int(match.group(1))
        totals.append(total_us / 1000)
    return statistics.median(walls), statistics.median(totals)


def installed_size(python: str, out: Path, package: Path) -> float | str:
    """MB that ``pip install --no-deps --target`` puts on disk for the generated project."""
    project = next(
        (
            d
            for d in (package.parent, out)
            if (d / "pyproject.toml").exists() or (d / "setup.py").exists()
        ),
        None,
    )
    if project is None:
        return "no package metadata"
    with tempfile.TemporaryDirectory(prefix="bench-install-") as target:
        proc = subprocess.run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                target,
                str(project),
            ],
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
        if proc.returncode != 0:
            return (
                "pip install failed: "
                + (proc.stderr.strip().splitlines() or ["?"])[-1][:200]
            )
        size = sum(p.stat().st_size for p in Path(target).rglob("*") if p.is_file())
    return size / 1e6


def pick_model(doc: dict[str, Any]) -> str:
    """A plain Graph object type with no required fields: every generator can build it empty."""
    for name, schema in doc["components"]["schemas"].items():
        if (
            name.count(".") == 2
            and schema.get("type") == "object"
            and "properties" in schema
            and not schema.get("required")
        ):
            return str(name)
    raise AssertionError("spec has no plain object type")


def run_tool(
    tool: Tool, spec: Path, model: str, work: Path, repeat: int, timeout: float
) -> Result:
    """Measure one tool on one spec ``repeat`` times, then inspect its last output."""
    if not Path(tool.argv(spec, work)[0]).exists():
        return Result(tool.name, "missing", f"{tool.argv(spec, work)[0]} not found")
    runs: list[Run] = []
    out = work / tool.name
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        if tool.name == "datamodel-codegen":
            out.mkdir(parents=True)
        got = measure(tool, spec, out, timeout)
        if isinstance(got, str):
            return Result(tool.name, "timeout", f"over {timeout:.0f} s")
        if got.rc != 0:
            tail = [line for line in got.log_tail.strip().splitlines() if line.strip()][
                -1:
            ] or ["no output"]
            return Result(
                tool.name, "failed", f"exit {got.rc}: {tail[0][:200]}", wall_s=got.wall
            )
        runs.append(got)
    res = summary(tool.name, runs)
    res.notes = tool.notes(runs[-1].log_tail)
    if not tool.makes_code:
        return res
    res.files, res.py_lines, size = output_stats(out)
    res.output_mb = size / 1e6
    package = top_package(out)
    if package is None:
        res.notes = "; ".join(filter(None, [res.notes, "no Python package in output"]))
        return res
    found = find_model(package, model)
    if found is None:
        res.notes = "; ".join(filter(None, [res.notes, f"no class for {model}"]))
    else:
        timed = import_time(tool.python, package, found[0], found[1], repeat)
        if isinstance(timed, str):
            res.notes = "; ".join(filter(None, [res.notes, timed]))
        else:
            res.import_ms, res.importtime_ms = timed
    size_or_error = installed_size(tool.python, out, package)
    if isinstance(size_or_error, str):
        res.notes = "; ".join(
            filter(None, [res.notes, f"installed size: {size_or_error}"])
        )
    else:
        res.installed_mb = size_or_error
    return res


def summary(name: str, runs: list[Run]) -> Result:
    """The medians of a tool's successful runs."""
    return Result(
        name,
        "ok",
        wall_s=statistics.median(r.wall for r in runs),
        walls_s=[round(r.wall, 3) for r in runs],
        cpu_s=statistics.median(r.cpu for r in runs),
        peak_rss_mb=statistics.median(r.maxrss_kb for r in runs) / 1024,
        tree_rss_mb=statistics.median(r.tree_kb for r in runs) / 1024,
    )


def _first_with_description(value: Any) -> dict[str, Any] | None:
    """The first mapping (depth first) holding a `description` string."""
    if isinstance(value, dict):
        if isinstance(value.get("description"), str):
            return value
        children = list(value.values())
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        found = _first_with_description(child)
        if found is not None:
            return found
    return None


def incremental_results(spec: Path, doc: dict[str, Any], work: Path, repeat: int, timeout: float) -> list[Result]:
    """apigen's rebuild after one schema's description changed, and `--check` with
    nothing changed, both with a warm cache (the cache a previous build left)."""
    cache = work / "apigen-cache"
    env = {**os.environ, "APIGEN_CACHE_DIR": str(cache)}
    out = work / "apigen-incremental"
    shutil.rmtree(out, ignore_errors=True)

    def tool(name: str, extra: list[str]) -> Tool:
        return Tool(
            name,
            lambda s, o: [sys.executable, "-m", "generator", "generate", str(s), "-o", str(o), *extra],
            sys.executable,
            ROOT,
            env,
            makes_code=False,
        )

    warm = measure(tool("warm-up", []), spec, out, timeout)
    if isinstance(warm, str) or warm.rc != 0:
        return [Result("apigen rebuild", "failed", "the warm-up build failed")]
    changed = json.loads(json.dumps(doc))
    # The synthetic schemas document their properties, not themselves: from the middle of
    # the sorted names on, the first schema holding a description (its own, else a
    # property's) has that one changed.
    names = sorted(changed["components"]["schemas"])
    holders = (_first_with_description(changed["components"]["schemas"][n]) for n in names[len(names) // 2 :])
    holder = next((h for h in holders if h is not None), None)
    if holder is None:
        return [Result("apigen rebuild", "failed", "no schema has a description to change")]
    spec2 = work / "spec-changed.yaml"

    def edited(run: int) -> Path:
        # A new text each run: a rebuild must not find the edited section in the cache.
        holder["description"] = f"A description changed for the benchmark, run {run}."
        spec2.write_text(dump_yaml(changed), encoding="utf-8")
        return spec2

    results = []
    for label, extra in (
        ("apigen rebuild (one description changed)", []),
        ("apigen --check (nothing changed)", ["--check"]),
    ):
        runs = []
        for run in range(repeat):
            target = spec2
            if label.startswith("apigen rebuild"):
                measure(tool("reset", []), spec, out, timeout)  # back to the old output
                target = edited(run)
            got = measure(tool(label, extra), target, out, timeout)
            if isinstance(got, str) or got.rc != 0:
                results.append(Result(label, "failed", "timeout" if isinstance(got, str) else f"exit {got.rc}"))
                break
            runs.append(got)
        else:
            results.append(summary(label, runs))
    return results


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "-"
    return f"{ours / theirs:.2f}x"


def render_table(size: dict[str, Any], results: list[Result]) -> str:
    """The human-readable report for one size: one row per tool, then apigen/peer ratios."""
    head = (
        f"== {size['schemas']} schemas / {size['paths']} paths "
        f"(spec {size['spec_mb']:.2f} MB, model for import: {size['model']}, repeat {size['repeat']}) =="
    )
    cols = [
        "tool",
        "status",
        "wall s",
        "cpu s",
        "peak MB",
        "tree MB",
        "files",
        ".py lines",
        "out MB",
        "import ms",
        "importtime ms",
        "installed MB",
    ]
    rows = [cols]
    for r in results:
        rows.append(
            [
                r.tool,
                r.status,
                _fmt(r.wall_s, ".2f"),
                _fmt(r.cpu_s, ".2f"),
                _fmt(r.peak_rss_mb, ".0f"),
                _fmt(r.tree_rss_mb, ".0f"),
                _fmt(r.files, "d"),
                _fmt(r.py_lines, ",d"),
                _fmt(r.output_mb, ".2f"),
                _fmt(r.import_ms, ".1f"),
                _fmt(r.importtime_ms, ".1f"),
                _fmt(r.installed_mb, ".2f"),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    lines = [head]
    for row in rows:
        lines.append(
            "  ".join(
                cell.ljust(w) if i < 2 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths))
            )
        )
    for r in results:
        if r.detail or r.notes:
            lines.append(f"  {r.tool}: " + "; ".join(filter(None, [r.detail, r.notes])))
    ours = next((r for r in results if r.tool == "apigen" and r.status == "ok"), None)
    if ours is not None:
        for peer in results:
            if peer.tool == "apigen" or peer.status != "ok":
                continue
            lines.append(
                f"  apigen / {peer.tool}: wall {_ratio(ours.wall_s, peer.wall_s)}, "
                f"peak {_ratio(ours.peak_rss_mb, peer.peak_rss_mb)}, tree {_ratio(ours.tree_rss_mb, peer.tree_rss_mb)}, lines {_ratio(ours.py_lines, peer.py_lines)}, "
                f"import {_ratio(ours.import_ms, peer.import_ms)}, installed {_ratio(ours.installed_mb, peer.installed_mb)}"
            )
    return "\n".join(lines)


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"200:400,2000:4000"`` -> [(200, 400), (2000, 4000)]."""
    sizes = []
    for part in text.split(","):
        schemas, _, paths = part.strip().partition(":")
        if not schemas.isdigit() or not paths.isdigit():
            raise argparse.ArgumentTypeError(f"size {part!r} is not SCHEMAS:PATHS")
        sizes.append((int(schemas), int(paths)))
    return sizes


def main(argv: list[str] | None = None) -> int:
    """CLI: measure every tool on every size and print a table (or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[(200, 400), (2000, 4000)],
        help="SCHEMAS:PATHS[,...] (default 200:400,2000:4000)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per tool and size; the median is reported (default 3)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--peer-python",
        default=DEFAULT_PEER_PYTHON,
        help="python of the venv holding the peers",
    )
    parser.add_argument(
        "--tools",
        default="apigen,openapi-python-client,datamodel-codegen,openapi-spec-validator",
        help="comma-separated subset to run",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds before one run is stopped"
    )
    parser.add_argument("--keep", help="keep specs and outputs in this folder")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print machine-readable JSON instead of tables",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    # SIGTERM becomes SystemExit so measure() can stop the generator it started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    tools = make_tools(args.peer_python, [t.strip() for t in args.tools.split(",")])
    report: list[dict[str, Any]] = []
    work_root = (
        Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="apigen-bench-"))
    )
    try:
        for schemas, paths in args.sizes:
            work = work_root / f"{schemas}-{paths}"
            work.mkdir(parents=True, exist_ok=True)
            doc = make_spec(schemas, paths, args.seed)
            spec = work / "spec.yaml"
            spec.write_text(dump_yaml(doc), encoding="utf-8")
            size = {
                "schemas": schemas,
                "paths": paths,
                "seed": args.seed,
                "repeat": args.repeat,
                "spec_mb": spec.stat().st_size / 1e6,
                "model": pick_model(doc),
            }
            results = []
            for tool in tools:
                if not args.json:
                    print(
                        f"... {schemas}/{paths}: {tool.name}",
                        file=sys.stderr,
                        flush=True,
                    )
                results.append(
                    run_tool(tool, spec, size["model"], work, args.repeat, args.timeout)
                )
            if any(t.name == "apigen" for t in tools):
                if not args.json:
                    print(f"... {schemas}/{paths}: apigen rebuild and --check", file=sys.stderr, flush=True)
                results.extend(incremental_results(spec, doc, work, args.repeat, args.timeout))
            report.append({**size, "results": [asdict(r) for r in results]})
            if not args.json:
                print(render_table(size, results), flush=True)
                print(flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work_root, ignore_errors=True)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
