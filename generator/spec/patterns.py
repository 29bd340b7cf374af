"""Is a schema's `pattern` safe to match? One answer for lint and for the generated SDK.

A `pattern` is untrusted text that ends up matched against untrusted values: in lint's check
of examples and in the SDK's validators, both with Python's backtracking `re`. Two kinds are
refused there (lint reports them, the SDK build warns and leaves the check out):
- a pattern Python cannot compile (a syntax error, a repetition count that overflows);
- a pattern that may backtrack catastrophically: an unbounded repetition of something that
  itself holds an unbounded repetition (star height two, as in ``^(a+)+$``), which takes
  exponential time on a near-miss such as forty ``a``s and a ``!``.
The second test reads the compiled pattern's structure (`re._parser`, the parser `re` itself
uses), so it sees through groups, classes and escapes; it does not catch an alternation of
overlapping branches under one repetition (``(a|a)*``), which lint's matching also bounds
with a time budget (`search_bounded`).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import regex

# A repetition with no upper bound, or a large one: what makes backtracking blow up.
_UNBOUNDED = 32
# Lint's budget for matching one example value against one pattern.
LINT_TIMEOUT_S = 0.2


# The characters a piece of a pattern may match are told apart on this alphabet: ASCII and a
# few characters that classes such as \\w, \\d and \\s treat differently beyond it.
_PROBE = frozenset(chr(c) for c in range(128)) | frozenset("\u00e9\u00df\u00a0\u0663\u2028")
_CATEGORY = {
    "CATEGORY_DIGIT": re.compile(r"\d"),
    "CATEGORY_WORD": re.compile(r"\w"),
    "CATEGORY_SPACE": re.compile(r"\s"),
}


def _category(name: str) -> frozenset[str]:
    negated = name.startswith("CATEGORY_NOT_")
    test = _CATEGORY.get(name.replace("CATEGORY_NOT_", "CATEGORY_"))
    if test is None:
        return _PROBE  # line-break categories and the like: assume anything
    found = frozenset(c for c in _PROBE if test.fullmatch(c))
    return _PROBE - found if negated else found


def _chars(op: str, arg: Any) -> frozenset[str] | None:
    """What one single-character item may match, or None when it is not one."""
    if op == "LITERAL":
        return frozenset(chr(arg))
    if op == "NOT_LITERAL":
        return _PROBE - {chr(arg)}
    if op == "ANY":
        return _PROBE
    if op == "IN":
        negate = False
        found: set[str] = set()
        for item_op, item_arg in arg:
            name = str(item_op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                found.add(chr(item_arg))
            elif name == "RANGE":
                low, high = item_arg
                found |= {c for c in _PROBE if low <= ord(c) <= high}
            elif name == "CATEGORY":
                found |= _category(str(item_arg))
            else:
                return _PROBE
        return _PROBE - found if negate else frozenset(found)
    return None


def _is_repeat(op: str) -> bool:
    return op in ("MAX_REPEAT", "MIN_REPEAT")


def _parts(name: str, arg: Any) -> list[Any]:
    """The subpatterns directly inside one parsed item (a group, a branch, a repetition)."""
    if _is_repeat(name):
        return [arg[2]]
    if name == "SUBPATTERN":
        return [arg[-1]]
    if name == "BRANCH":
        return list(arg[1])
    if name in ("ASSERT", "ASSERT_NOT"):
        return [arg[1]]
    return []


def _unbounded(name: str, arg: Any) -> bool:
    return _is_repeat(name) and arg[1] >= _UNBOUNDED


def _inner_repeat_chars(items: Any) -> frozenset[str] | None:
    """The characters the unbounded repetitions inside ``items`` may match (None: none)."""
    found: frozenset[str] | None = None
    for op, arg in items:
        name = str(op)
        here = [_all_chars(arg[2])] if _unbounded(name, arg) else []
        here += [c for c in map(_inner_repeat_chars, _parts(name, arg)) if c is not None]
        for chars in here:
            found = chars if found is None else found | chars
    return found


def _all_chars(items: Any) -> frozenset[str]:
    """Every character ``items`` may match anywhere (an over-estimate)."""
    found: set[str] = set()
    for op, arg in items:
        name = str(op)
        chars = _chars(name, arg)
        if chars is not None:
            found |= chars
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif _parts(name, arg):
            for sub in _parts(name, arg):
                found |= _all_chars(sub)
        else:
            return _PROBE
    return frozenset(found)


def _has_separator(items: Any, inner: frozenset[str]) -> bool:
    """Does the repeated body hold a required character the inner repetitions cannot match?
    Then each pass of the outer repetition ends at that character, and there is one way
    only to split a text into passes (``([a-z]+\\.)*`` is safe, ``(\\w+\\s?)+`` is not)."""
    for op, arg in items:
        name = str(op)
        chars = _chars(name, arg)
        if chars is not None and not chars & inner:
            return True
        if name == "SUBPATTERN" and _has_separator(arg[-1], inner):
            return True
        if _is_repeat(name) and arg[0] >= 1 and _has_separator(arg[2], inner):
            return True
    return False


def _catastrophic(items: Any) -> bool:
    """An unbounded repetition of a body that holds an unbounded repetition, with nothing
    in the body to fix where one pass ends: the star-height-two shape that backtracks
    exponentially."""
    for op, arg in items:
        name = str(op)
        if _unbounded(name, arg):
            inner = _inner_repeat_chars(arg[2])
            if inner is not None and not _has_separator(arg[2], inner):
                return True
        if any(_catastrophic(sub) for sub in _parts(name, arg)):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` must not be matched with Python's `re`, or None when it is safe."""
    try:
        parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError, ValueError) as exc:
        return f"not a regular expression Python can read ({exc})"
    try:
        nested = _catastrophic(parsed)
    except RecursionError:
        return "nests too deeply to check"
    if nested:
        return "may backtrack catastrophically (a repetition inside a repetition)"
    return None


def search_bounded(pattern: str, value: str) -> bool | None:
    """Does ``pattern`` match somewhere in ``value``? None when it cannot be told safely
    (an unsafe pattern, or the time budget ran out)."""
    if pattern_problem(pattern) is not None:
        return None
    try:
        return regex.search(pattern, value, timeout=LINT_TIMEOUT_S) is not None
    except TimeoutError:
        return None
    except (regex.error, OverflowError, ValueError):
        return None
