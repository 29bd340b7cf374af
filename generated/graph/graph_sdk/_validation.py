"""Validation building blocks: checks composed once at import, then run on JSON data.

A check is a function ``(value, path, errors) -> None`` that appends a `ValidationError`
for each problem it finds, so one call reports every error, each with a JSON pointer.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

__all__ = ["Check", "ValidationError"]


class ValidationError:
    """One problem in the data: ``path`` is a JSON pointer, ``message`` says what is wrong,
    ``keyword`` names the rule it breaks (JSON Schema's word: type, required, enum, ...)."""

    __slots__ = ("keyword", "message", "path")

    def __init__(self, path: str, message: str, keyword: str = "") -> None:
        self.path = path
        self.message = message
        self.keyword = keyword

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ValidationError):
            return NotImplemented
        return (self.path, self.message) == (other.path, other.message)

    def __hash__(self) -> int:
        return hash((self.path, self.message))

    def __repr__(self) -> str:
        return f"ValidationError(path={self.path!r}, message={self.message!r})"

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


Check = Callable[[Any, str, list[ValidationError]], None]

# RFC 3339 date-time: the offset is required (Graph sends `Z` or `+hh:mm`). Field ranges are
# in the pattern, so only days 29-31 need a calendar look-up.
_DATE_TIME = re.compile(
    r"(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(?:\.\d+)?"
    r"(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)\Z",
    re.ASCII,
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z", re.ASCII
)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _valid_date_time(text: str) -> bool:
    match = _DATE_TIME.match(text)
    if match is None:
        return False
    day = int(match[3])
    return day <= 28 or day <= calendar.monthrange(int(match[1]), int(match[2]))[1]


def _valid_date(text: str) -> bool:
    if _DATE.match(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


_FORMATS: dict[str, Callable[[str], bool]] = {
    "date-time": _valid_date_time,
    "date": _valid_date,
    "uuid": lambda text: _UUID.match(text) is not None,
}


def string(
    *,
    nullable: bool = False,
    fmt: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    enum: tuple[str, ...] | None = None,
) -> Check:
    format_check = _FORMATS.get(fmt) if fmt else None
    regex = re.compile(pattern) if pattern is not None else None
    members = frozenset(enum) if enum is not None else None
    allowed = _listed(tuple(sorted(enum or ())))
    simple = (
        format_check is None
        and min_length is None
        and max_length is None
        and regex is None
        and members is None
    )

    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str):
            errors.append(
                ValidationError(path, f"expected a string, got {_type_name(value)}", "type")
            )
            return
        if simple:
            return
        if format_check is not None and not format_check(value):
            errors.append(ValidationError(path, f"not a valid {fmt}: {value[:40]!r}", "format"))
        if min_length is not None and len(value) < min_length:
            errors.append(
                ValidationError(path, f"shorter than {min_length} characters", "minLength")
            )
        if max_length is not None and len(value) > max_length:
            errors.append(
                ValidationError(path, f"longer than {max_length} characters", "maxLength")
            )
        if regex is not None and regex.search(value) is None:
            errors.append(ValidationError(path, "does not match the pattern", "pattern"))
        if members is not None and value not in members:
            errors.append(ValidationError(path, f"{value[:40]!r} is not one of {allowed}", "enum"))

    return check


_SHOWN_MEMBERS = 10


def _listed(values: tuple[Any, ...]) -> str:
    """The allowed values for a message, made once per check: the first few, then how
    many there are, so a large enum does not fill every error with its whole list."""
    shown = [repr(v) for v in values[:_SHOWN_MEMBERS]]
    if len(values) > _SHOWN_MEMBERS:
        shown.append(f"... ({len(values)} values in all)")
    return "[" + ", ".join(shown) + "]"


def _bounds(
    minimum: float | None, maximum: float | None, exclusive_minimum: bool, exclusive_maximum: bool
) -> Callable[[float], str | None]:
    def out_of_range(value: float) -> str | None:
        if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
            return f"{value} is below the minimum {minimum}"
        if maximum is not None and (value >= maximum if exclusive_maximum else value > maximum):
            return f"{value} is above the maximum {maximum}"
        return None

    return out_of_range


def integer(
    *,
    nullable: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    exclusive_maximum: bool = False,
) -> Check:
    out_of_range = _bounds(minimum, maximum, exclusive_minimum, exclusive_maximum)
    # Inclusive bounds (every int32/int64 field has them) are checked inline; the general
    # rule runs only when a value falls outside them or a bound is exclusive.
    low = minimum if minimum is not None and not exclusive_minimum else -math.inf
    high = maximum if maximum is not None and not exclusive_maximum else math.inf
    exact = (minimum is None or not exclusive_minimum) and (
        maximum is None or not exclusive_maximum
    )

    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if value is None and nullable:
            return
        if type(value) is not int:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                errors.append(
                    ValidationError(path, f"expected an integer, got {_type_name(value)}", "type")
                )
                return
        if exact and low <= value <= high:
            return
        problem = out_of_range(value)
        if problem is not None:
            errors.append(ValidationError(path, problem, "range"))

    return check


def number(
    *,
    nullable: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    exclusive_maximum: bool = False,
) -> Check:
    out_of_range = _bounds(minimum, maximum, exclusive_minimum, exclusive_maximum)

    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(
                ValidationError(path, f"expected a number, got {_type_name(value)}", "type")
            )
            return
        problem = out_of_range(value)
        if problem is not None:
            errors.append(ValidationError(path, problem, "range"))

    return check


def boolean(*, nullable: bool = False) -> Check:
    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, bool):
            errors.append(
                ValidationError(path, f"expected a boolean, got {_type_name(value)}", "type")
            )

    return check


def null() -> Check:
    """JSON null and nothing else (`type: "null"`, `enum: [null]`)."""

    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if value is not None:
            errors.append(ValidationError(path, f"expected null, got {_type_name(value)}", "type"))

    return check


def literal(*, values: tuple[Any, ...], nullable: bool = False) -> Check:
    """One of fixed JSON scalars (`const`, `enum`); `True` is not `1` here, as in JSON."""
    allowed = frozenset((_type_name(v), v) for v in values)
    shown = _listed(values)

    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if value is None and nullable:
            return
        if isinstance(value, (list, dict)) or (_type_name(value), value) not in allowed:
            errors.append(
                ValidationError(path, f"{str(value)[:40]!r} is not one of {shown}", "enum")
            )

    return check


def union(
    options: tuple[Check, ...],
    *,
    exclusive: bool = False,
    discriminator: tuple[str, Mapping[str, Check]] | None = None,
) -> Check:
    """`anyOf` (some option matches) or, ``exclusive``, `oneOf` (exactly one does). An
    object naming its option in the discriminator property is checked as that option."""

    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if discriminator is not None and isinstance(value, Mapping):
            name, mapping = discriminator
            tag = value.get(name)
            chosen = mapping.get(tag) if isinstance(tag, str) else None
            if chosen is not None:
                chosen(value, path, errors)
                return
            if mapping:
                errors.append(
                    ValidationError(
                        f"{path}/{_escape(name)}",
                        f"must be one of {sorted(mapping)}",
                        "discriminator",
                    )
                )
                return
        matched = 0
        for option in options:
            found: list[ValidationError] = []
            option(value, path, found)
            if not found:
                matched += 1
                if not exclusive:
                    return
        if matched == 0:
            keyword = "oneOf" if exclusive else "anyOf"
            errors.append(
                ValidationError(path, f"matches none of the {len(options)} types", keyword)
            )
        elif matched > 1:
            errors.append(ValidationError(path, f"matches {matched} types, not one", "oneOf"))

    return check


def anything() -> Check:
    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        return None

    return check


def nullable(inner: Check) -> Check:
    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if value is not None:
            inner(value, path, errors)

    return check


def not_null(inner: Check) -> Check:
    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if value is None:
            errors.append(ValidationError(path, "must not be null", "type"))
        else:
            inner(value, path, errors)

    return check


def array(item: Check, *, min_items: int | None = None, max_items: int | None = None) -> Check:
    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if not isinstance(value, list):
            errors.append(
                ValidationError(path, f"expected an array, got {_type_name(value)}", "type")
            )
            return
        if min_items is not None and len(value) < min_items:
            errors.append(ValidationError(path, f"fewer than {min_items} items", "minItems"))
        if max_items is not None and len(value) > max_items:
            errors.append(ValidationError(path, f"more than {max_items} items", "maxItems"))
        for index, element in enumerate(value):
            item(element, f"{path}/{index}", errors)

    return check


def mapping(value_check: Check) -> Check:
    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if not isinstance(value, Mapping):
            errors.append(
                ValidationError(path, f"expected an object, got {_type_name(value)}", "type")
            )
            return
        for key, element in value.items():
            value_check(element, f"{path}/{_escape(str(key))}", errors)

    return check


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class Lazy:
    """A check looked up on first use, so models may refer to each other (or themselves)."""

    __slots__ = ("_check", "_name", "_table")

    def __init__(self, table: Mapping[str, Check], name: str) -> None:
        self._table = table
        self._name = name
        self._check: Check | None = None

    def __call__(self, value: Any, path: str, errors: list[ValidationError]) -> None:
        check = self._check
        if check is None:
            check = self._check = self._table[self._name]
        check(value, path, errors)


def register_subtype(
    table: Mapping[str, dict[str, Check]], ancestors: tuple[str, ...], key: str, check: Check
) -> None:
    """Make ``check`` the one each ancestor's object check uses for data whose
    `@odata.type` is ``key`` (lower case, without `#`)."""
    for name in ancestors:
        table[name][key] = check


def obj(
    properties: Mapping[str, Check],
    required: tuple[str, ...] = (),
    *,
    subtypes: Mapping[str, Check] | None = None,
    tag: str = "@odata.type",
) -> Check:
    """An object check: required keys, then each known property; unknown keys are allowed
    (Graph adds properties over time). ``subtypes`` maps a lower-case `@odata.type` (or
    the ``tag`` property's value) without `#` to the subtype's check, used when the data
    names a subtype."""
    tokens = {name: "/" + _escape(name) for name in properties}
    # key -> (its check, its pointer token), one lookup per property in the hot loop
    table = {name: (prop, tokens[name]) for name, prop in properties.items()}

    def check(value: Any, path: str, errors: list[ValidationError]) -> None:
        if not isinstance(value, Mapping):
            errors.append(
                ValidationError(path, f"expected an object, got {_type_name(value)}", "type")
            )
            return
        if subtypes:
            odata_type = value.get(tag)
            if isinstance(odata_type, str):
                sub = subtypes.get(odata_type.lstrip("#").lower())
                if sub is not None and sub is not check:
                    sub(value, path, errors)
                    return
        for name in required:
            if name not in value:
                errors.append(ValidationError(f"{path}{tokens[name]}", "is required", "required"))
        for key, element in value.items():
            entry = table.get(key)
            if entry is not None:
                entry[0](element, path + entry[1] if path else entry[1], errors)

    return check


def run(check: Check, data: Any) -> list[ValidationError]:
    errors: list[ValidationError] = []
    check(data, "", errors)
    return errors


class Validator:
    """``validate_<model>(data)``: checks JSON data against one model's schema and returns
    every problem found (an empty list when there is none)."""

    __slots__ = ("_checks", "model")

    def __init__(self, checks: Mapping[str, Check], model: str) -> None:
        self._checks = checks
        self.model = model

    def __call__(self, data: Any) -> list[ValidationError]:
        return run(self._checks[self.model], data)

    def __repr__(self) -> str:
        return f"<validator of {self.model}>"
