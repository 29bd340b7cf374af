"""validate: is a spec a valid OpenAPI document that apigen may read?

Every `$ref` must be local and must not chain into itself (checked first, so nothing is
fetched or resolved without end); then openapi-spec-validator judges the whole document.
`Judge` and `Verdict` let the verdict be worked out in another process or thread while
the build goes on. The first problem is an `InputError` carrying its JSON pointer and line.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Self, TypeVar

from generator.errors import InputError
from generator.spec.io import SpecFile, escape_pointer_token, pointer
from generator.spec.openapi import SCHEMA_PREFIX


def check_local_refs(spec: SpecFile) -> None:
    """Refuse every `$ref` that is not a local `#/...` pointer, before anything resolves one.

    The validator would otherwise fetch `http://` refs and read `file:` or relative paths
    (and quote the file in its error): a spec from a pull request could probe the CI
    network or print a secret. Nothing outside the spec file is ever read.
    """
    stack: list[tuple[Any, str]] = [(spec.data, "")]
    while stack:
        value, ptr = stack.pop()
        if isinstance(value, Mapping):
            if "$ref" in value:
                ref = value["$ref"]
                shown = _short(repr(ref), 80)
                problem = None
                if not (isinstance(ref, str) and ref.startswith("#")):
                    problem = f"`$ref` {shown} is not a local #/ pointer; apigen reads nothing outside the spec"
                elif _resolve_pointer(spec.data, ref[1:]) is None:
                    problem = f"`$ref` {shown} names nothing in this spec"
                if problem is not None:
                    raise InputError(
                        problem,
                        file=spec.path,
                        line=spec.line_of(ptr + "/$ref"),
                        pointer=ptr + "/$ref",
                    )
            stack.extend(
                (item, ptr + "/" + escape_pointer_token(key)) for key, item in value.items()
            )
        elif isinstance(value, list):
            stack.extend((item, f"{ptr}/{index}") for index, item in enumerate(value))
    check_ref_cycles(spec)


_MISSING = object()


def _resolve_pointer(data: Any, ptr: str) -> Any:
    """The value a local JSON pointer names, or None when it names nothing."""
    if ptr == "":
        return data
    if not ptr.startswith("/"):
        return None
    current = data
    for raw in ptr[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, Mapping):
            current = current.get(token, _MISSING)
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return None
        if current is _MISSING:
            return None
    return current


# The longest chain of schemas each made of the next (`A: $ref B`, `B: allOf [$ref C]`, ...).
# Graph's deepest inheritance is under ten; openapi-spec-validator's time grows with the
# square of a chain's length (300 links: 3.4 s; 2,000: over a minute).
MAX_REF_CHAIN = 64
# The most schemas one component schema may unroll into through those links, a schema
# reached by two paths counted twice. openapi-spec-validator walks every path: an `allOf`
# diamond (S1 made of A1 and B1, each made of S0, and so on) doubles its work at each
# level (8 levels, 4,000 schemas: 1.5 s; 12 levels: 36 s; 40 levels would never end). A chain
# of `MAX_REF_CHAIN` unrolls into 64; Graph's schemas into at most a dozen or so.
MAX_REF_EXPANSION = 4096
# All component schemas together may unroll into this many per schema (or
# `MAX_REF_EXPANSION`, if more): a large spec's total grows with its size, as its validation
# time does, while many diamonds side by side add up to a hang as one deep one does.
MAX_REF_EXPANSION_PER_SCHEMA = 32
_CAP = 10 * MAX_REF_EXPANSION  # one schema's count stops growing here (no huge integers)


def check_ref_cycles(spec: SpecFile) -> None:
    """Refuse component schemas that are made of themselves (`A: $ref B`, `B: $ref A`, or
    the same through allOf/anyOf/oneOf): no type can be built from them, and resolving
    them would never end. A property that refers back (a tree) is fine. Chains longer than
    `MAX_REF_CHAIN` are refused too."""
    schemas = (
        ((spec.data.get("components") or {}).get("schemas") or {})
        if isinstance(spec.data, Mapping)
        else {}
    )
    if not isinstance(schemas, Mapping):
        return
    edges: dict[str, list[str]] = {}
    for name, schema in schemas.items():
        targets: list[str] = []
        if isinstance(schema, Mapping):
            parts = [schema]
            for key in ("allOf", "anyOf", "oneOf"):
                if isinstance(schema.get(key), list):
                    parts.extend(p for p in schema[key] if isinstance(p, Mapping))
            for part in parts:
                ref = part.get("$ref")
                if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                    targets.append(ref[len(SCHEMA_PREFIX) :].replace("~1", "/").replace("~0", "~"))
            # A union listing itself (`Item: oneOf [Item, Ref]`) is its other members: the
            # SDK leaves that member out with a warning; it is no cycle to refuse.
            listed = [p.get("$ref") for k in ("anyOf", "oneOf") for p in _mappings(schema.get(k))]
            if SCHEMA_PREFIX + escape_pointer_token(name) in listed:
                targets = [t for t in targets if t != name]
        edges[name] = sorted(t for t in targets if t in schemas)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    # How many schemas each one unrolls into through its "made of" links, counting a schema
    # reached twice (a diamond) twice: what the validator walks.
    unrolled: dict[str, int] = {}
    depth: dict[str, int] = {}  # the longest chain of "made of" links from a schema
    for start in sorted(edges):
        if state.get(start):
            continue
        path: list[str] = [start]
        iterators = [iter(edges[start])]
        state[start] = 1
        while iterators:
            nxt = next(iterators[-1], None)
            if nxt is None:
                done = path.pop()
                state[done] = 2
                iterators.pop()
                depth[done] = 1 + max((depth[e] for e in edges[done]), default=0)
                unrolled[done] = min(1 + sum(unrolled[e] for e in edges[done]), _CAP)
                if depth[done] > MAX_REF_CHAIN:
                    ptr = pointer("components", "schemas", done)
                    raise InputError(
                        f"`$ref` chain of {depth[done]} schemas, each made of the next "
                        f"(at most {MAX_REF_CHAIN}: longer chains make validation quadratic)",
                        file=spec.path,
                        line=spec.line_of(ptr),
                        pointer=ptr,
                    )
            elif state.get(nxt) == 1:
                cycle = " -> ".join([*path[path.index(nxt) :], nxt])
                ptr = pointer("components", "schemas", nxt)
                raise InputError(
                    f"`$ref` cycle: {cycle} (each schema is made of the next, so none can be built)",
                    file=spec.path,
                    line=spec.line_of(ptr),
                    pointer=ptr,
                )
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iterators.append(iter(edges[nxt]))
    if not unrolled:
        return
    largest = max(sorted(unrolled), key=lambda n: unrolled[n])
    total = sum(unrolled.values())
    limit = max(MAX_REF_EXPANSION, MAX_REF_EXPANSION_PER_SCHEMA * len(unrolled))
    if unrolled[largest] > MAX_REF_EXPANSION or total > limit:
        ptr = pointer("components", "schemas", largest)
        raise InputError(
            f"the `$ref`/`allOf`/`anyOf`/`oneOf` links unroll {largest!r} into "
            f"{_at_least(unrolled[largest])} schemas and all {len(unrolled)} component schemas "
            f"into {_at_least(total)}, a schema reached by two paths counted twice (at most "
            f"{MAX_REF_EXPANSION} for one, {limit} for all: the validator walks every path)",
            file=spec.path,
            line=spec.line_of(ptr),
            pointer=ptr,
        )


def _at_least(count: int) -> str:
    return f"{_CAP} or more" if count >= _CAP else str(count)


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


# The most members one enum may have. Graph's largest enums have a few hundred; a generated
# class with 100,000 members takes minutes to validate, render and format.
MAX_ENUM_MEMBERS = 10_000


def check_sizes(spec: SpecFile) -> None:
    """Refuse an enum with more than `MAX_ENUM_MEMBERS` members, before any slow work."""
    stack: list[Any] = [spec.data]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            members = node.get("enum")
            if isinstance(members, list) and len(members) > MAX_ENUM_MEMBERS:
                where = _pointer_to(spec.data, members)
                raise InputError(
                    f"enum of {len(members)} members (at most {MAX_ENUM_MEMBERS})",
                    file=spec.path,
                    line=spec.line_of(where),
                    pointer=where,
                )
            stack.extend(v for v in node.values() if isinstance(v, (Mapping, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (Mapping, list)))


def _pointer_to(data: Any, target: Any) -> str:
    """The JSON pointer of the node ``target`` (found by identity) in ``data``; paths are
    only spelled out here, once a problem is found, so the walk above stays cheap."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, ptr = stack.pop()
        if node is target:
            return ptr
        if isinstance(node, Mapping):
            stack.extend((v, f"{ptr}/{escape_pointer_token(k)}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{ptr}/{i}") for i, v in enumerate(node))
    return ""


_PATH_TEMPLATE = re.compile(r"/[^{}]*(?:\{[^{}/]+\}[^{}]*)*")


def validate_spec(spec: SpecFile) -> None:
    """Run openapi-spec-validator; the first error becomes an InputError with its pointer."""
    check_local_refs(spec)
    check_sizes(spec)
    version = str(spec.data.get("openapi", ""))
    if not version:
        raise InputError("not an OpenAPI 3 document (no `openapi` field)", file=spec.path, line=1)
    paths = spec.data.get("paths")
    for path in paths if isinstance(paths, Mapping) else ():
        if not _PATH_TEMPLATE.fullmatch(path):
            ptr = pointer("paths", path)
            raise InputError(
                "a path must start with / and use {name} only as whole, unnested parameters",
                file=spec.path,
                line=spec.line_of(ptr),
                pointer=ptr,
            )
    # Imported here: only validation needs it (openapi-spec-validator is slow to import).
    from generator.spec.validator import absolute_path, explain, message_of, validator_for

    validator_class = validator_for(version)
    crash = ""
    try:
        error = _deep_call(lambda: next(iter(validator_class(spec.data).iter_errors()), None))
    except RecursionError:
        raise InputError("the spec nests too deeply to validate", file=spec.path) from None
    except (ValueError, TypeError, LookupError, OverflowError) as exc:
        # The validator is third-party code reading untrusted data; its crash is bad input
        # (often only in reporting another fault, e.g. a YAML date in an invalid document;
        # OverflowError: a `pattern` whose repetition count Python's `re` cannot hold).
        error, crash = None, _short(str(exc), 120)
    if error is None and not crash:
        return
    # The first error names only the outermost alternative that failed ("not valid under
    # any of the schemas listed in 'oneOf'"): the deepest reason and its place, when known.
    try:
        reason = _deep_call(lambda: explain(spec.data, version, len(spec.text)))
    except (RecursionError, ValueError, TypeError, LookupError, OverflowError):
        reason = None
    if reason is not None:
        path, message = reason
    elif error is not None:
        path = absolute_path(spec.data, list(error.absolute_path), error.instance)
        message = message_of(error)
    else:
        raise InputError(
            f"the OpenAPI validator cannot read this spec: {crash}", file=spec.path
        ) from None
    ptr = pointer(*path)
    raise InputError(
        f"invalid OpenAPI: {_short(message)}",
        file=spec.path,
        line=spec.line_of(ptr),
        pointer=ptr or "/",
    )


class Judge:
    """A process of its own for openapi-spec-validator, forked (on Linux) for a small spec
    whose verdict is not cached, and importing the library at once. For a small spec,
    importing the library is most of the validation; here it overlaps the rest of the build
    on another core. Use as
    a context manager. Elsewhere than Linux, or when the caller runs other threads (a lock
    one of them held at the fork would stay held in the child, which imports), it holds no
    process and `Verdict` uses a thread.
    """

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if sys.platform == "linux" and threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            self.pool.submit(_import_validator)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)  # waits: no child left mid-task


def _import_validator() -> None:
    import generator.spec.validator  # noqa: F401  (imported ahead of the spec)


class Verdict:
    """openapi-spec-validator's verdict on a spec, worked out while the caller goes on:
    rendering needs the IR, not the verdict. `wait` raises the spec's InputError, as
    `validate_spec` would.

    In the `Judge`'s process when one is given (small specs), else in a thread: a forked
    validator would hold a second copy of a large spec (its garbage collector and reference
    counts touch every page), and for a large build formatting runs in worker processes,
    so the thread has a core of its own most of the time.
    """

    def __init__(self, spec: SpecFile, judge: Judge | None = None) -> None:
        self._failure: list[BaseException] = []
        self._path = spec.path
        self._future: Future[None] | None = None
        self._thread: threading.Thread | None = None
        if judge is not None and judge.pool is not None:
            try:
                self._future = judge.pool.submit(validate_spec, spec)
            except BrokenProcessPool:
                pass  # the process died early: the thread below does the work
        if self._future is None:
            self._thread = threading.Thread(
                target=self._run, args=(spec,), name="apigen-verdict", daemon=True
            )
            self._thread.start()

    def _run(self, spec: SpecFile) -> None:
        try:
            validate_spec(spec)
        except BaseException as exc:  # noqa: BLE001  (handed to the waiting thread as is)
            self._failure.append(exc)

    def wait(self) -> None:
        """Block until the verdict is in; raise the InputError of an invalid spec."""
        if self._future is not None:
            try:
                self._future.result()
            except BrokenProcessPool:
                raise InputError("the OpenAPI validator stopped unexpectedly", file=self._path)
            return
        assert self._thread is not None
        self._thread.join()
        if self._failure:
            raise self._failure[0]


_T = TypeVar("_T")
# The validator recurses once per nested schema and `$ref` hop; large real specs (long
# `allOf` chains through many models) need more than Python's default 1000 frames. It runs
# in a thread with its own large stack, so the deeper limit cannot overflow the C stack;
# nesting stays bounded by spec_io.MAX_DEPTH and the ref-cycle check above.
_VALIDATOR_STACK = 512 * 1024 * 1024
_VALIDATOR_RECURSION = 60_000


def _deep_call(work: Callable[[], _T]) -> _T:
    result: list[_T] = []
    failure: list[BaseException] = []

    def run() -> None:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(_VALIDATOR_RECURSION)
        try:
            result.append(work())
        except BaseException as exc:  # noqa: BLE001  (handed to the calling thread as is)
            failure.append(exc)
        finally:
            sys.setrecursionlimit(old)

    previous = threading.stack_size(_VALIDATOR_STACK)
    try:
        thread = threading.Thread(target=run, name="apigen-validate")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
