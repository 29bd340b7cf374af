"""Spec names to Python identifiers: the one place where names are made safe.

Everything a spec calls something (schemas, properties, enum values, operationIds,
parameters) is untrusted text. The functions here turn it into identifiers that are
valid, ASCII, not keywords, not names the generated SDK defines itself, and unique within
their scope. Collisions are settled deterministically: names are assigned in sorted order
of the original text, and later ones get a numeric suffix.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

# Names the generated package defines or imports at module level; a model, enum or
# error class must never shadow them.
RESERVED_MODULE_NAMES = frozenset(
    {
        "UNSET",
        "Unset",
        "UnsetType",
        "FilePart",
        "Client",
        "AsyncClient",
        "Batch",
        "AsyncBatch",
        "BatchItem",
        "BatchError",
        "ApiError",
        "BadRequestError",
        "AuthError",
        "ForbiddenError",
        "NotFoundError",
        "ConflictError",
        "ThrottledError",
        "ServerError",
        "TransportError",
        "TimeoutError",
        "RequestTimeoutError",
        "ResponseValidationError",
        "DecodeError",
        "SdkError",
        "RetryPolicy",
        "TokenSource",
        "TracebackType",
        "DEFAULT_BASE_URL",
        "OpenEnum",
        "FieldSpec",
        "Check",
        "Lazy",
        "ResponseDecodeError",
        "ResponseTooLargeError",
        "ConfigurationError",
        "CredentialError",
        "InvalidRequestError",
        "ValidationError",
        "RequestValidationError",
        "Model",
        "Codec",
        "Page",
        "ApiResponse",
        "DeltaIterator",
        "AsyncDeltaIterator",
        "PagingError",
        "Any",
        "ClassVar",
        "Mapping",
        "Iterator",
        "Literal",
        "Headers",
        "SERVERS",
        "AsyncIterator",
        "Self",
        "Enum",
        "datetime",
        "date",
        "time",
        "timedelta",
        "annotations",
        "httpx",
        "validators",
        "models",
        "TYPE_CHECKING",
    }
    | set(dir(builtins))
)

# Attributes and methods every generated model has; a property must not replace them.
RESERVED_MEMBER_NAMES = frozenset(
    {
        "additional_data",
        "from_dict",
        "to_dict",
        "to_patch_dict",
        "changed_fields",
        "mark_unchanged",
        "validate",
        "self",
        "cls",
    }
)

# Names a client method binds or reads besides its parameters: a parameter of the same name
# would be overwritten before use (a header `url` sent as the request URL) or shadow it.
RESERVED_PARAMETER_NAMES = frozenset(
    {
        "self",
        "body",
        "headers",
        "content_type",
        "timeout",
        "url",
        "params",
        "extra",
        "payload",
        "response",
        "data",
        "result",
        "item",
        "delta_link",
    }
)

# Client method names the client defines itself.
RESERVED_CLIENT_NAMES = frozenset(
    {
        "close",
        "aclose",
        "request",
        "stream",
        "batch",
        "base_url",
        "timeout",
        "retry",
        "self",
        "cls",
        "_invoke",
        "_transport",
        "_core",
        "with_response",
        "pages",
    }
)

_SOFT_KEYWORDS = frozenset(getattr(keyword, "softkwlist", ())) | {"_"}

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^0-9A-Za-z]+")


def _ascii_words(text: str) -> list[str]:
    """Split text into ASCII words at camelCase humps and any non-alphanumeric run."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words: list[str] = []
    for chunk in _NON_WORD.split(folded):
        if chunk:
            words.extend(part for part in _CAMEL_BOUNDARY.split(chunk) if part)
    return words


def _guard(name: str, fallback: str, reserved: frozenset[str]) -> str:
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback[0]}{name}"
    while keyword.iskeyword(name) or name in _SOFT_KEYWORDS or name in reserved:
        name = f"{name}_"
    return name


def snake_case(text: str) -> str:
    """`externalcourseActivityId` -> `externalcourse_activity_id`, `@odata.type` -> `odata_type`."""
    return "_".join(word.lower() for word in _ascii_words(text))


def pascal_case(text: str) -> str:
    """`microsoft.graph.courseStatus` segment `courseStatus` -> `CourseStatus`."""
    return "".join(word[:1].upper() + word[1:] for word in _ascii_words(text))


def upper_snake(text: str) -> str:
    """Enum member names: `notStarted` -> `NOT_STARTED`."""
    return "_".join(word.upper() for word in _ascii_words(text))


def natural_order(text: str) -> list[int | str]:
    """A sort key that takes runs of digits by value (`item2` before `item10`), as isort,
    ruff and linters of `__all__` order names."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def unique_names(pairs: Iterable[tuple[str, str]], taken: Iterable[str] = ()) -> dict[str, str]:
    """Make candidate identifiers unique; ``pairs`` are (original, candidate).

    Originals are taken in sorted order so the outcome does not depend on the order
    the spec lists them in; a clash gets `_2`, `_3`, ... on the later original (and on any
    that would take a name in ``taken``).
    """
    used = set(taken)
    result: dict[str, str] = {}
    for original, candidate in sorted(set(pairs)):
        if original in result:
            continue
        name = candidate
        counter = 2
        while name in used:
            name = f"{candidate}_{counter}"
            counter += 1
        used.add(name)
        result[original] = name
    return result


def _short_name(schema_name: str) -> str:
    return schema_name.rsplit(".", 1)[-1]


def class_names(schema_names: Iterable[str]) -> dict[str, str]:
    """Schema names to class names, unique across models, enums and the SDK's own names.

    `microsoft.graph.learningSelfInitiatedCourse` -> `LearningSelfInitiatedCourse`. When
    two schemas share a last segment, the later one (in sorted order) is qualified with
    its namespace (`MicrosoftVivaLearningLearningCourseActivity`), then suffixed.
    """
    names = sorted(set(schema_names))
    short_counts: dict[str, int] = {}
    for name in names:
        key = pascal_case(_short_name(name)).lower()
        short_counts[key] = short_counts.get(key, 0) + 1
    pairs: list[tuple[str, str]] = []
    seen_short: set[str] = set()
    for name in names:
        short = _guard(pascal_case(_short_name(name)), "Model", RESERVED_MODULE_NAMES)
        if short.lower() in seen_short:
            short = _guard(pascal_case(name), "Model", RESERVED_MODULE_NAMES)
        seen_short.add(short.lower())
        pairs.append((name, short))
    return unique_names(pairs)


def place_names(places: Mapping[str, Sequence[str]], taken: Iterable[str]) -> dict[str, str]:
    """Class names for schemas written inline, from the words of their place (`Pet`,
    `owner` -> `PetOwner`; an array item adds `Item`, a union option `OneOf2`), unique
    against ``taken`` (the component classes, which keep their names) and each other.
    Keys (the places' JSON pointers) are taken in sorted order, so the outcome does not
    depend on the order the spec lists them in."""
    return unique_names(
        (
            (key, _guard(pascal_case(" ".join(words)), "Model", RESERVED_MODULE_NAMES))
            for key, words in places.items()
        ),
        taken,
    )


def member_names(
    json_names: Iterable[str], reserved: frozenset[str] = RESERVED_MEMBER_NAMES
) -> dict[str, str]:
    """Property or parameter names to snake_case attribute names, unique in one scope."""
    return unique_names((name, _guard(snake_case(name), "field", reserved)) for name in json_names)


def parameter_names(
    params: Iterable[tuple[str, str]], reserved: frozenset[str] = RESERVED_PARAMETER_NAMES
) -> dict[tuple[str, str], str]:
    """(location, name) of an operation's parameters to unique argument names.

    A query parameter and a header may share a name; they still become two arguments
    (`x` and `x_2`, the later in sorted (name, location) order taking the suffix).
    """
    keyed = {f"{name}\x00{location}": (location, name) for location, name in params}
    names = unique_names(
        (key, _guard(snake_case(keyed[key][1]), "param", reserved)) for key in keyed
    )
    return {keyed[key]: value for key, value in names.items()}


def enum_member_names(values: Iterable[str]) -> dict[str, str]:
    """Enum values to member names; sunder/dunder shapes are impossible by construction."""
    # Enum reserves names starting with "_" and the attribute `name`/`value` lookups
    # are properties, so members named `NAME`/`VALUE` are fine in upper case.
    return unique_names(
        (value, _guard(upper_snake(value), "VALUE", frozenset({"MRO"}))) for value in values
    )


def method_names(operation_ids: Iterable[str]) -> dict[str, str]:
    """operationIds to client method names (`updateLearningSelfInitiatedCourse` -> snake)."""
    reserved = RESERVED_CLIENT_NAMES | RESERVED_MODULE_NAMES
    return unique_names(
        (op_id, _guard(snake_case(op_id), "call", reserved)) for op_id in operation_ids
    )


def module_name(text: str) -> str:
    """A package name for the generated SDK (`seed-sdk` -> `seed_sdk`)."""
    return _guard(snake_case(text), "sdk", RESERVED_MODULE_NAMES)


def is_safe_identifier(name: str) -> bool:
    """What the `ident` template filter accepts: ASCII identifier, not a keyword."""
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)
