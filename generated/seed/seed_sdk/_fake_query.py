"""The OData query options the test double understands, and a clear refusal of the rest.

`$select`, `$top`, `$skip`, `$count`, `$filter` with `eq` / `ne` comparisons of simple
properties joined by `and`, and `$orderby` of simple properties (`asc` / `desc`, several
keys, nulls first in ascending order as OData has it) are applied as Graph applies them.
Anything else (`$expand`, `$search`, `or`, functions, property paths, a property the type
does not have) raises `Unsupported`, which the fake answers with a 400 OData error naming
it: a test never gets a silently wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = ["Options", "Unsupported", "parse_filter", "parse_options", "project", "sort_key"]

# Options each kind of request takes; any other `$` option is refused by name.
LIST_OPTIONS = frozenset(
    {"$select", "$top", "$skip", "$count", "$filter", "$orderby", "$skiptoken"}
)
GET_OPTIONS = frozenset({"$select"})
DELTA_OPTIONS = frozenset({"$select", "$top", "$deltatoken", "$skiptoken"})  # $top: page size

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w:-]))"
    r"|(?P<word>[A-Za-z_@][\w.@]*)|(?P<other>[()]|\S+?(?=[\s()]|\Z)))"
)
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}

Predicate = Callable[[Mapping[str, Any]], bool]


class Unsupported(ValueError):
    """A query the fake cannot answer faithfully; its message names what is unsupported."""


class Options:
    """A request's OData system query options, checked against what the request takes."""

    def __init__(self, query: Mapping[str, str], allowed: Collection[str]) -> None:
        self.raw = dict(query)
        for name in sorted(query):
            if name not in allowed:
                raise Unsupported(f"the fake API does not support the query option {name}")
        self.select = _names(query.get("$select"))
        self.top = _count_option(query, "$top")
        self.skip = _count_option(query, "$skip")
        count = query.get("$count", "false").lower()
        if count not in ("true", "false"):
            raise Unsupported(f"$count must be true or false, got {query['$count']!r}")
        self.count = count == "true"
        self.filter = query.get("$filter")
        self.orderby = _order(query.get("$orderby"))


def parse_options(query: Mapping[str, str], allowed: Collection[str]) -> Options:
    """The `$` options of ``query`` (names already lower case), refusing any not allowed."""
    return Options({k: v for k, v in query.items() if k.startswith("$")}, allowed)


def _names(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    for name in names:
        if "/" in name or "(" in name:
            raise Unsupported(f"the fake API does not support $select of {name!r}")
    return names


def _order(text: str | None) -> tuple[tuple[str, bool], ...]:
    """`$orderby` as (property, descending) keys, first key first."""
    if text is None:
        return ()
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise Unsupported(f"$orderby {text!r} is not `property [asc|desc]`, comma-separated")
        if "/" in words[0] or "(" in words[0]:
            raise Unsupported(f"the fake API does not support $orderby of {words[0]!r}")
        keys.append((words[0], words[1:] == ["desc"]))
    return tuple(keys)


def sort_key(name: str) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    """An entity's sort key by one simple property: absent or null first, then booleans,
    numbers and strings each among their own kind (as the service never mixes them)."""

    def key(entity: Mapping[str, Any]) -> tuple[int, Any]:
        value = entity.get(name)
        if value is None:
            return (0, 0)
        if isinstance(value, bool):
            return (1, value)
        if isinstance(value, (int, float)):
            return (2, value)
        if isinstance(value, str):
            return (3, value)
        raise Unsupported(f"{name!r} is not a simple property: the fake cannot order by it")

    return key


def _count_option(query: Mapping[str, str], name: str) -> int | None:
    text = query.get(name)
    if text is None:
        return None
    if not text.isdigit():
        raise Unsupported(f"{name} must be a whole number >= 0, got {text!r}")
    return int(text)


def check_properties(names: tuple[str, ...], known: Collection[str] | None, model: str) -> None:
    """Refuses a property the model does not declare (Graph answers 400 the same way)."""
    if known is None:
        return
    for name in names:
        if name not in known and name != "id":
            raise Unsupported(f"could not find a property named {name!r} on type {model!r}")


def project(entity: Mapping[str, Any], select: tuple[str, ...] | None) -> dict[str, Any]:
    """The entity with only the ``select``-ed properties (and its id), or all of them."""
    if select is None:
        return dict(entity)
    keep = {*select, "id"}
    return {k: v for k, v in entity.items() if k in keep}


def parse_filter(text: str, known: Collection[str] | None, model: str) -> Predicate:
    """A `$filter` expression as a predicate over an entity: ``name eq literal`` and
    ``name ne literal`` comparisons of simple properties, joined by ``and``."""
    tokens = _tokens(text)
    comparisons: list[tuple[str, bool, Any]] = []
    position = 0
    while True:
        if position + 3 > len(tokens):
            raise Unsupported(f"$filter {text!r} is not `property eq|ne value` joined by `and`")
        (kind, name), (_, operator), literal = tokens[position : position + 3]
        if kind != "word" or name in _LITERALS:
            raise Unsupported(f"the fake API does not support {name!r} in $filter")
        if operator not in ("eq", "ne"):
            raise Unsupported(f"the fake API supports only eq and ne in $filter, not {operator!r}")
        check_properties((name,), known, model)
        comparisons.append((name, operator == "eq", _literal(literal)))
        position += 3
        if position == len(tokens):
            break
        joiner = tokens[position][1]
        if joiner != "and":
            raise Unsupported(
                f"the fake API supports only `and` between comparisons, not {joiner!r}"
            )
        position += 1

    def matches(entity: Mapping[str, Any]) -> bool:
        for name, equal, value in comparisons:
            found = entity.get(name)
            if isinstance(found, (dict, list)):
                raise Unsupported(f"{name!r} is not a simple property: the fake cannot compare it")
            if (_same(found, value)) != equal:
                return False
        return True

    return matches


def _same(found: Any, value: Any) -> bool:
    # JSON true is not 1: compare booleans only with booleans.
    if isinstance(found, bool) or isinstance(value, bool):
        return found is value
    return bool(found == value)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        kind = match.lastgroup or "other"
        value = match.group(kind)
        if kind == "word" and "." in value and not value.startswith("@"):
            raise Unsupported(f"the fake API does not support {value!r} in $filter")
        if value == "(" and tokens and tokens[-1][0] == "word":
            raise Unsupported(
                f"the fake API does not support functions in $filter ({tokens[-1][1]})"
            )
        if value in ("(", ")"):
            raise Unsupported("the fake API does not support parentheses in $filter")
        if kind == "other":
            raise Unsupported(f"the fake API does not understand {value!r} in $filter")
        tokens.append((kind, value))
        position = match.end()
    return tokens


def _literal(token: tuple[str, str]) -> Any:
    kind, value = token
    if kind == "string":
        return value[1:-1].replace("''", "'")
    if kind == "number":
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if kind == "word" and value in _LITERALS:
        return _LITERALS[value]
    raise Unsupported(f"the fake API does not support the value {value!r} in $filter")
