"""format: black over every generated Python file, in pieces, in parallel, cached.

Black is most of a build's time. A large file is cut into jobs at statement boundaries
(top-level statements, and the members of a large class), each job is formatted on its
own, and the results are joined. To give black the same view of blank lines it would have
on the whole file, a job is formatted *after* the statement that precedes it (its
context), and the context's own formatting is cut off the front of the result. If that
ever fails to line up, the file is formatted whole instead, so the output is always what
`black.format_str` gives for the whole file (a test holds the two equal).

Black formats a file twice when its first pass changes anything; the templates lay their
long lines out as black would (`generator.sdk.layout`), so for apigen's own templates black's
first pass changes nothing and the second is skipped.

Each job's result is cached by the hash of black's version, its settings and the job's
text (`generator.cache`), so a rebuild after a small change formats only the jobs around
the change, and jobs run in worker processes when there is enough work to share. Whole
files are cached too, so an unchanged file is not even cut into jobs.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from typing import Self

import black
from black.mode import Mode, TargetVersion
from black.parsing import InvalidInput

from generator.cache import Cache, key
from generator.codestyle import LINE_LENGTH

_MODE = Mode(target_versions={TargetVersion.PY311}, line_length=LINE_LENGTH)
_MODE_KEY = f"black {version('black')} py311 {LINE_LENGTH}"
JOB_LINES = 1200  # about what black formats in a quarter of a second
_CLASS_SPLIT_MEMBERS = 40  # classes with more members than this are cut between members
_PARALLEL_MIN_LINES = 8000  # below this, starting worker processes costs more than it saves
PARALLEL_MIN_SPEC_CHARS = 100_000  # a smaller spec makes fewer lines than that (bench/)


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


class FormatError(Exception):
    """Black could not parse a generated file: a bug in a template, never user input."""


def format_python(name: str, text: str) -> str:
    """One file, whole: what the pieces must add up to."""
    try:
        return black.format_str(text, mode=_MODE)
    except InvalidInput as exc:
        raise FormatError(f"generated {name} is not valid Python: {exc}") from exc


@dataclass(frozen=True)
class _Job:
    """Format ``context + body`` and keep the part after the formatted ``context``."""

    file: str
    context: str
    body: str

    @property
    def digest(self) -> str:
        return key(_MODE_KEY, self.context, self.body)


def _run_job(job: _Job) -> str:
    whole = format_python(job.file, job.context + job.body)
    if not job.context:
        return whole
    head = format_python(job.file, job.context)
    if not whole.startswith(head):
        raise _Misaligned(job.file)
    return whole[len(head) :]


class _Misaligned(Exception):
    """A job's context formatted differently on its own: the file is formatted whole."""


def _units(text: str, job_lines: int) -> list[_Job] | None:
    """Cut a module into jobs; None when it is small or not worth cutting."""
    lines = text.splitlines(keepends=True)
    if len(lines) < 2 * job_lines:
        return None
    starts = _statement_starts(lines, "")
    if starts is None:
        return None
    # Each unit is (text, context): a statement with the blank lines and comments before it.
    units: list[tuple[str, str]] = []
    previous = ""
    for first, last in zip(starts, [*starts[1:], len(lines)]):
        unit_lines = lines[first:last]
        members = None
        if lines[_code_line(lines, first)].startswith("class "):
            members = _statement_starts(unit_lines, "    ")
        if members is not None and len(members) > _CLASS_SPLIT_MEMBERS + 1:
            # The class line through its first member is the head; each later member is a
            # unit formatted inside a copy of the head, after the member before it.
            head = "".join(unit_lines[: members[2]])
            units.append((head, previous))
            last_member = ""
            for m_first, m_last in zip(members[2:], [*members[3:], len(unit_lines)]):
                member_text = "".join(unit_lines[m_first:m_last])
                units.append((member_text, _class_context(head, last_member)))
                last_member = member_text
            previous = _class_context(head, last_member)
            continue
        unit = "".join(unit_lines)
        units.append((unit, previous))
        previous = unit
    # Group neighbouring units into jobs of about `job_lines` lines.
    jobs: list[_Job] = []
    body: list[str] = []
    context = ""
    size = 0
    for unit, unit_context in units:
        if body and size >= job_lines:
            jobs.append(_Job("", context, "".join(body)))
            body, size = [], 0
        if not body:
            context = unit_context
        body.append(unit)
        size += unit.count("\n")
    if body:
        jobs.append(_Job("", context, "".join(body)))
    # Black drops blank lines at the start of a file, which would count as a change and
    # cost a second pass; the context's own formatting is cut off anyway.
    return [_Job(j.file, _LEADING_BLANK_LINES.sub("", j.context), j.body) for j in jobs]


# A line that goes on with the statement above it rather than starting one.
_CONTINUATION = re.compile(r"(?:[)\]}]|else\b|elif\b|except\b|finally\b|case\b)")
_TRIPLE_SINGLE = "'" * 3


def _statement_starts(lines: list[str], indent: str) -> list[int] | None:
    """Where the statements at ``indent`` begin, each with the blank lines and comments
    before it (the first at line 0), found by reading lines, not by parsing: a parse of a
    large module costs as much as formatting it. The cut only has to be right for code
    laid out as black lays it out (apigen's output); a wrong cut makes a job black cannot
    parse or whose context does not line up, and then the file is formatted whole.

    None when the text has triple-single-quoted strings (only triple double quotes, the
    only kind apigen writes, are tracked)."""
    starts: list[int] = [0]
    in_string = False
    in_decorator = False
    pending = -1  # first line of the blank/comment run before the next statement
    width = len(indent)
    for number, line in enumerate(lines):
        if _TRIPLE_SINGLE in line:
            return None
        was_in_string = in_string
        if line.count('"""') % 2:
            in_string = not in_string
        if was_in_string:
            pending = -1
            continue
        stripped = line.strip()
        if not stripped or (stripped.startswith("#") and line.startswith(indent)):
            if pending < 0:
                pending = number
            continue
        at_level = line.startswith(indent) and not line[width].isspace()
        if at_level and not _CONTINUATION.match(line, width):
            code = line[width:]
            if in_decorator and not code.startswith("@"):
                in_decorator = False  # the decorated def or class itself
            elif number > 0 and not in_decorator:
                starts.append(pending if pending >= 0 else number)
            if code.startswith("@"):
                in_decorator = True
        pending = -1
    return starts if not in_string else None


def _code_line(lines: list[str], first: int) -> int:
    """The first line from ``first`` that is neither blank nor a comment."""
    number = first
    while number < len(lines) - 1 and (not lines[number].strip() or lines[number].startswith("#")):
        number += 1
    return number


def _class_context(head: str, member: str) -> str:
    """A class made of ``head`` and (optionally) one member: enough for black to place the
    next member exactly as it would in the whole class."""
    return head + member


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def format_files(
    files: Mapping[str, str],
    *,
    jobs: int | None = None,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
    job_lines: int = JOB_LINES,
    workers: Workers | None = None,
    formatted: Collection[str] = frozenset(),
) -> dict[str, str]:
    """Format the `.py` files of a rendered tree; other files pass through unchanged, and
    so do files whose text is one of ``formatted`` (texts known to be black's output).

    ``jobs`` caps the worker processes (default: the CPUs this process may use; 1 formats
    in this process), unless running ``workers`` are given. ``progress(done, total)`` is
    called as pieces finish.
    """
    cache = cache if cache is not None else Cache("black")
    plans: dict[str, list[_Job]] = {}
    whole: dict[str, str] = {}  # file name -> its cached formatting, when the file is unchanged
    for name, text in files.items():
        if name.endswith(".py") and text not in formatted:
            hit = cache.get(_file_digest(text))
            if hit is not None:
                whole[name] = hit
                continue
            cut = _units(text, job_lines)
            plans[name] = (
                [_Job(name, j.context, j.body) for j in cut] if cut else [_Job(name, "", text)]
            )
    done: dict[str, str] = {}
    todo: list[_Job] = []
    for job_list in plans.values():
        for job in job_list:
            if job.digest in done:
                continue
            hit = cache.get(job.digest)
            if hit is not None:
                done[job.digest] = hit
            else:
                todo.append(job)
    todo = list({job.digest: job for job in todo}.values())
    if workers is None:
        lines = sum(job.body.count("\n") for job in todo)
        count = min(jobs or default_jobs(), len(todo)) if lines >= _PARALLEL_MIN_LINES else 1
        with Workers(max(1, count)) as own:
            results = _execute(todo, own, progress)
    else:
        results = _execute(todo, workers, progress)
    for job, output in zip(todo, results):
        if output is not None:
            cache.put(job.digest, output)
            done[job.digest] = output
    result = {**files, **whole}
    for name, job_list in plans.items():
        if any(job.digest not in done for job in job_list):
            result[name] = format_python(name, files[name])  # a piece did not line up
        else:
            result[name] = "".join(done[job.digest] for job in job_list)
        cache.put(_file_digest(files[name]), result[name])
    return result


def _file_digest(text: str) -> str:
    """A whole file's key: a rebuild finds an unchanged file without cutting it into jobs."""
    return key(_MODE_KEY, "file", text)


def _safe_run(job: _Job) -> str | None:
    try:
        return _run_job(job)
    except (_Misaligned, FormatError):
        return None  # the file is formatted whole (and a real error raised there)


class Workers:
    """Black's worker processes, started before the spec is read.

    Forked while this process is still small (on Linux, where fork is safe), the workers
    share little with it and copy nothing of the spec or the IR made later; they start at
    once with black imported, and never import the caller's main module again (as
    forkserver and spawn workers do). Elsewhere the platform's default start method is
    used. Use as a context manager; with ``count`` 1 there are no workers.
    """

    def __init__(self, count: int | None = None) -> None:
        count = count or default_jobs()
        self.count = count
        self.pool: ProcessPoolExecutor | None = None
        if count > 1:
            context = (
                multiprocessing.get_context("fork")
                if sys.platform == "linux"
                else multiprocessing.get_context()
            )
            self.pool = ProcessPoolExecutor(max_workers=count, mp_context=context)
            if sys.platform == "linux":
                self.pool.submit(int).result()  # fork them now, while this process is small

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _execute(
    todo: list[_Job], workers: Workers | None, progress: Callable[[int, int], None] | None
) -> list[str | None]:
    total = len(todo)
    lines = sum(job.body.count("\n") for job in todo)
    results: list[str | None] = []
    if workers is not None and workers.pool is not None and lines >= _PARALLEL_MIN_LINES:
        outputs = workers.pool.map(_safe_run, todo, chunksize=4)
    else:
        outputs = map(_safe_run, todo)
    for count, output in enumerate(outputs, start=1):
        results.append(output)
        if progress is not None:
            progress(count, total)
    return results
