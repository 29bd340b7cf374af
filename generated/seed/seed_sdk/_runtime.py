"""Shared runtime of this SDK: UNSET, date-time handling, enums, the Model base class.

Models are plain classes, each in a module of its own under `models/`. Each model's fields
are described once, in a table of `FieldSpec`s built on the model's first use (so fields
may refer to any model, including their own class, and name it through the `models`
index, which imports it then); `from_dict`, `to_dict` and `to_patch_dict` read that
table. A field's kind says how its value goes between JSON and Python, both ways: a model
or enum class, a `Codec` (`DATETIME`, `DATE`, `list_of(...)`, `map_of(...)`), or None for
JSON as is.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import Enum, StrEnum
from typing import Any, ClassVar, Final, Self, TypeAlias, dataclass_transform

__all__ = [
    "DATE",
    "DATETIME",
    "JSON",
    "UNSET",
    "Codec",
    "DecodeError",
    "FieldSpec",
    "Kind",
    "Model",
    "OpenEnum",
    "UnsetType",
    "codec_of",
    "format_datetime",
    "list_of",
    "map_of",
    "parse_datetime",
    "required",
    "union_of",
]


class UnsetType(Enum):
    """The type of `UNSET`: a field that was never given a value (distinct from None/null).

    An enum with one member, because that is what mypy and pyright narrow by identity:
    after ``if x is not UNSET:`` (or ``if not isinstance(x, UnsetType):``) the type of
    ``x`` no longer includes `UnsetType`. Falsy; copies and pickles to the same object.
    """

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return False


UNSET: Final = UnsetType.UNSET


class DecodeError(ValueError):
    """Data that cannot be turned into a model; ``path`` is a JSON pointer into it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or '/'}: {message}")
        self.path = path
        self.message = message


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def parse_datetime(value: Any) -> datetime:
    """Graph's date-time forms (`Z`, offsets, up to 7 fractional digits, no offset) to an
    aware datetime; a value without an offset is taken as UTC, as the service means it."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise DecodeError("", f"not an ISO 8601 date-time: {value[:40]!r}") from None
    else:
        raise DecodeError("", f"expected a date-time string, got {type(value).__name__}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def format_datetime(value: datetime) -> str:
    """An RFC 3339 string; UTC is written as `Z`, a naive datetime is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise DecodeError("", f"not an ISO 8601 date: {str(value)[:40]!r}")


class OpenEnum(StrEnum):
    """A string enum that keeps values it does not know instead of raising.

    Graph adds enum members over time (after `unknownFutureValue`); an SDK built before
    that must still read and write them unchanged. An unknown value becomes a pseudo
    member that compares equal to its string and whose ``value`` is that string.
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenEnum | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """False for a value this SDK's spec did not list."""
        # By identity: an unknown value may equal a member's *name* (`"Red"` beside a
        # member `Red = "red"`), so neither names nor equality can tell.
        return type(self)._value2member_map_.get(self._value_) is self


Decoder = Callable[[Any], Any]
Encoder = Callable[[Any, bool], Any]


class Codec:
    """How a value that is neither plain JSON nor a model or enum goes between JSON and
    Python: ``decode`` reads it, ``encode`` writes it (None: written as it is)."""

    __slots__ = ("decode", "encode")

    def __init__(self, decode: Decoder, encode: Encoder | None) -> None:
        self.decode = decode
        self.encode = encode


# A value's kind, as field tables and operations name it (see the module docstring).
Kind: TypeAlias = type["Model"] | type[OpenEnum] | Codec | None


class FieldSpec:
    """One field of a model: attribute name, JSON name, its kind, whether read-only."""

    __slots__ = ("attr", "decode", "encode", "json", "read_only")

    def __init__(self, attr: str, json: str, kind: Kind = None, *, read_only: bool = False) -> None:
        self.attr = attr
        self.json = json
        self.decode, self.encode = codec_of(kind)
        self.read_only = read_only


def codec_of(kind: Kind) -> tuple[Decoder | None, Encoder | None]:
    """(decode, encode) for a kind; None for either means the JSON value as it is."""
    if kind is None:
        return None, None
    if isinstance(kind, Codec):
        return kind.decode, kind.encode
    if issubclass(kind, Model):
        return kind.from_dict, encode_model
    return enum_decoder(kind), encode_enum


def list_of(item: Kind) -> Codec:
    """A JSON array whose items are of kind ``item`` (null items stay None)."""
    decode, encode = codec_of(item)
    return Codec(list_decoder(decode), list_encoder(encode) if encode else None)


def map_of(item: Kind) -> Codec:
    """A JSON object whose values are of kind ``item`` (null values stay None)."""
    decode, encode = codec_of(item)
    return Codec(map_decoder(decode), map_encoder(encode) if encode else None)


# A union's option: the JSON type its values have ("" for any), the properties an object
# needs to be one (a model's required ones), and its kind.
UnionOption: TypeAlias = tuple[str, tuple[str, ...], Kind]


def union_of(
    options: tuple[UnionOption, ...], *, discriminator: tuple[str, Mapping[str, Kind]] | None = None
) -> Codec:
    """A value of one of several kinds (`oneOf`/`anyOf`). An object naming its option in
    the discriminator property is decoded as that option; otherwise the first option (in
    the spec's order) whose JSON type and required properties the value has, and that
    decodes it, wins. A value matching none is a `DecodeError`."""
    choices = [(json_type, required, codec_of(kind)[0]) for json_type, required, kind in options]
    tagged: dict[str, Decoder | None] = {}
    tag_name = ""
    if discriminator is not None:
        tag_name = discriminator[0]
        tagged = {tag: codec_of(kind)[0] for tag, kind in discriminator[1].items()}

    def decode(value: Any) -> Any:
        tag = value.get(tag_name) if tagged and isinstance(value, Mapping) else None
        if isinstance(tag, str) and tag in tagged:
            chosen = tagged[tag]
            return value if chosen is None else chosen(value)
        for json_type, required, option in choices:
            if not _has_json_type(value, json_type):
                continue
            if required and not all(name in value for name in required):
                continue
            if option is None:
                return value
            try:
                return option(value)
            except DecodeError:
                continue
        raise DecodeError("", f"matches none of the {len(choices)} types it may have")

    return Codec(decode, encode_value)


def _has_json_type(value: Any, json_type: str) -> bool:
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if json_type == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "array":
        return isinstance(value, list)
    if json_type == "object":
        return isinstance(value, Mapping)
    return True


def encode_value(value: Any, include_read_only: bool) -> Any:
    """Any SDK value (a union's, whose kind is known only from the value) as JSON data."""
    if isinstance(value, Model):
        return value.to_dict(include_read_only=include_read_only)
    if isinstance(value, (list, tuple)):
        return [encode_value(item, include_read_only) for item in value]
    if isinstance(value, Mapping):
        return {str(k): encode_value(v, include_read_only) for k, v in value.items()}
    return to_json_value(value)


# -- codecs: small functions the kinds are made of -----------------------------------


def encode_datetime(value: Any, _: bool) -> Any:
    return format_datetime(value) if isinstance(value, datetime) else value


def encode_date(value: Any, _: bool) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def encode_enum(value: Any, _: bool) -> Any:
    return value.value if isinstance(value, StrEnum) else value


def encode_model(value: Any, include_read_only: bool) -> Any:
    return value.to_dict(include_read_only=include_read_only) if isinstance(value, Model) else value


def enum_decoder(enum_class: type[OpenEnum]) -> Decoder:
    def decode(value: Any) -> Any:
        return enum_class(value) if isinstance(value, str) else value

    return decode


def list_decoder(item: Decoder | None) -> Decoder:
    def decode(value: Any) -> Any:
        if not isinstance(value, list):
            raise DecodeError("", f"expected an array, got {type(value).__name__}")
        if item is None:
            return list(value)
        result = []
        for index, element in enumerate(value):
            try:
                result.append(None if element is None else item(element))
            except DecodeError as exc:
                raise DecodeError(f"/{index}{exc.path}", exc.message) from None
        return result

    return decode


def list_encoder(item: Encoder) -> Encoder:
    def encode(value: Any, include_read_only: bool) -> Any:
        if not isinstance(value, list):
            return value
        return [None if element is None else item(element, include_read_only) for element in value]

    return encode


def map_decoder(item: Decoder | None) -> Decoder:
    def decode(value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise DecodeError("", f"expected an object, got {type(value).__name__}")
        if item is None:
            return dict(value)
        result = {}
        for key, element in value.items():
            try:
                result[key] = None if element is None else item(element)
            except DecodeError as exc:
                raise DecodeError(f"/{_escape(str(key))}{exc.path}", exc.message) from None
        return result

    return decode


def map_encoder(item: Encoder) -> Encoder:
    def encode(value: Any, include_read_only: bool) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {k: None if v is None else item(v, include_read_only) for k, v in value.items()}

    return encode


def _is_rfc3339(text: str) -> bool:
    """A date-time string with its offset (`Z` or `+hh:mm`), as RFC 3339 requires."""
    return len(text) > 19 and (text[-1] in "Zz" or text[-6] in "+-")


def _has_changes(value: Any) -> bool:
    if isinstance(value, Model):
        return bool(value.__dict__["_changed"]) or any(
            _has_changes(v) for v in value.__dict__.values()
        )
    if isinstance(value, list):
        return any(_has_changes(item) for item in value)
    return False


def _odata_key(value: str) -> str:
    return value.lstrip("#").lower()


def _model_class(name: str) -> type[Model]:
    """A model class by name, from the `models` index (which imports it on first use)."""
    models = sys.modules.get(_MODELS) or importlib.import_module(_MODELS)
    found: type[Model] = getattr(models, name)
    return found


_MODELS = f"{__package__}.models"


# The class attributes a model's field tables live in (see `Model._build_tables`).
_TABLES = ("_FIELDS", "_BY_JSON", "_BY_ATTR", "_DECODE", "_ENCODE", "_ODATA_ATTR")


class _Unbuilt:
    """Stands in for one of a model's field tables until it is first read; reading any
    builds them all, which replaces these stand-ins with the tables themselves."""

    __slots__ = ("fields", "name", "owner")

    def __init__(
        self, owner: type[Model], fields: Callable[[], tuple[FieldSpec, ...]], name: str
    ) -> None:
        self.owner = owner
        self.fields = fields
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if isinstance(self.owner.__dict__.get(self.name), _Unbuilt):
            self.owner._build_tables(self.fields())
        return self.owner.__dict__[self.name]


def required() -> Any:
    """The class default of a required field: type checkers see a field without a default
    (a keyword every constructor call must give); at run time it reads `UNSET` until set,
    as when the service's answer leaves it out (its validator reports that)."""
    return UNSET


@dataclass_transform(kw_only_default=True, field_specifiers=(required,))
class Model:
    """Base of every generated model.

    - A field never given a value is `UNSET` and is left out of `to_dict()`; `None` is
      written as JSON `null`.
    - Every assignment is recorded: `to_patch_dict()` holds only the fields set or
      changed since the model was built or read by `from_dict`, which is what a PATCH
      request should carry. Read-only fields are never part of a request body.
    - JSON properties the model does not declare are kept in `additional_data` and
      written back by `to_dict()`, so an object read and written again loses nothing.

    Values live in the instance `__dict__` only when set (unset fields fall back to the
    class default `UNSET`), so reading and writing JSON is one pass over what is there.
    Type checkers see a keyword-only `__init__` per model, made from its annotations.
    """

    _FIELDS: ClassVar[tuple[FieldSpec, ...]] = ()
    _BY_JSON: ClassVar[dict[str, FieldSpec]] = {}
    _BY_ATTR: ClassVar[dict[str, FieldSpec]] = {}
    _DECODE: ClassVar[dict[str, tuple[str, Decoder | None, bool]]] = {}
    _ENCODE: ClassVar[dict[str, tuple[str, Encoder | None, bool]]] = {}
    _ODATA_TYPE: ClassVar[str | None] = None
    _ODATA_ATTR: ClassVar[str | None] = None
    # Each descendant's `@odata.type` (as `_odata_key` has it) -> its class name.
    _SUBTYPES: ClassVar[Mapping[str, str]] = {}
    # The property whose value names a subtype (a family root may name another).
    _TAG: ClassVar[str] = "@odata.type"

    additional_data: dict[str, Any]

    @classmethod
    def _bind(
        cls,
        odata_type: str | None,
        fields: Callable[[], tuple[FieldSpec, ...]],
        tag: str | None = None,
        subtypes: Mapping[str, str] | None = None,
    ) -> None:
        """Attach the class's `@odata.type`, its subtypes by their `@odata.type` (for
        dispatch in `from_dict`: class names, imported when one is read) and its field
        tables, built from ``fields`` (the own fields) on first use: building every
        model's tables at import would be most of a large package's import time."""
        for name in _TABLES:
            setattr(cls, name, _Unbuilt(cls, fields, name))
        if tag is not None:
            cls._TAG = tag
        cls._ODATA_TYPE = odata_type
        cls._SUBTYPES = subtypes or {}

    @classmethod
    def _build_tables(cls, fields: tuple[FieldSpec, ...]) -> None:
        """The field tables: the base's copied whole (in C), then the own fields added."""
        base = next(b for b in cls.__mro__[1:] if isinstance(b, type) and issubclass(b, Model))
        cls._FIELDS = base._FIELDS + fields
        cls._BY_JSON = {**base._BY_JSON, **{spec.json: spec for spec in fields}}
        cls._BY_ATTR = {**base._BY_ATTR, **{spec.attr: spec for spec in fields}}
        # Flat tuples for the two hot loops (from_dict, to_dict): no attribute lookups.
        cls._DECODE = {
            **base._DECODE,
            **{s.json: (s.attr, s.decode, s.decode is parse_datetime) for s in fields},
        }
        cls._ENCODE = {**base._ENCODE, **{s.attr: (s.json, s.encode, s.read_only) for s in fields}}
        odata_field = cls._BY_JSON.get("@odata.type")
        cls._ODATA_ATTR = odata_field.attr if odata_field is not None else None

    def __init__(self, **values: Any) -> None:
        known = self._BY_ATTR
        state: dict[str, Any] = {}
        for name, value in values.items():
            if name not in known:
                if name == "additional_data":
                    continue
                raise TypeError(
                    f"{type(self).__name__}() got an unexpected keyword argument {name!r}"
                )
            if value is not UNSET:
                state[name] = value
        state["additional_data"] = dict(values.get("additional_data") or {})
        state["_changed"] = set(state) - {"additional_data"}
        object.__setattr__(self, "__dict__", state)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._BY_ATTR and name != "additional_data":
            raise AttributeError(f"{type(self).__name__!r} has no field {name!r}")
        state = self.__dict__
        if value is UNSET:
            state.pop(name, None)
            state["_changed"].discard(name)
        else:
            state[name] = value
            state["_changed"].add(name)

    def __delattr__(self, name: str) -> None:
        self.__setattr__(name, UNSET)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build a model from JSON data; `@odata.type` picks the subclass it names."""
        if not isinstance(data, Mapping):
            raise DecodeError("", f"expected an object, got {type(data).__name__}")
        target: type[Self] = cls
        if cls._SUBTYPES:
            odata_type = data.get(cls._TAG)
            if isinstance(odata_type, str):
                subtype = cls._SUBTYPES.get(_odata_key(odata_type))
                if subtype is not None:
                    target = _model_class(subtype)  # type: ignore[assignment]
        table = target._DECODE
        state: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        raw: dict[str, tuple[Any, str]] | None = None
        for key, value in data.items():
            entry = table.get(key)
            if entry is None:
                extra[key] = value
                continue
            attr, decode, keep_text = entry
            if decode is None or value is None:
                state[attr] = value
                continue
            try:
                decoded = decode(value)
            except DecodeError as exc:
                raise DecodeError(f"/{_escape(key)}{exc.path}", exc.message) from None
            state[attr] = decoded
            if keep_text and _is_rfc3339(value):
                # Written back as read while unchanged: exact, and no formatting cost.
                if raw is None:
                    raw = {}
                raw[attr] = (decoded, value)
        state["additional_data"] = extra
        state["_changed"] = set()
        if raw is not None:
            state["_raw"] = raw
        obj = object.__new__(target)
        object.__setattr__(obj, "__dict__", state)
        return obj

    def to_dict(self, *, include_read_only: bool = True) -> dict[str, Any]:
        """The model as JSON data: every field that is set, then `additional_data`."""
        result = self._odata_first() if self._ODATA_TYPE else {}
        table = self._ENCODE
        state = self.__dict__
        raw = state.get("_raw")
        for attr, value in state.items():
            entry = table.get(attr)
            if entry is None:
                continue
            json_name, encode, read_only = entry
            if read_only and not include_read_only:
                continue
            if value is None or encode is None:
                result[json_name] = value
            elif raw is not None and attr in raw and raw[attr][0] is value:
                result[json_name] = raw[attr][1]
            else:
                result[json_name] = encode(value, include_read_only)
        for key, value in state["additional_data"].items():
            result.setdefault(key, value)
        return result

    def to_patch_dict(self) -> dict[str, Any]:
        """Only what changed since the model was built or read: the body of a PATCH.

        A nested model changed in place is sent whole (Graph replaces complex values).
        `@odata.type` is always sent for a subtype so the service knows what it patches.
        """
        result = self._odata_first()
        state = self.__dict__
        changed = state["_changed"]
        by_attr = self._BY_ATTR
        for attr, value in state.items():
            spec = by_attr.get(attr)
            if spec is None or spec.read_only or (attr not in changed and not _has_changes(value)):
                continue
            result[spec.json] = (
                value if value is None or spec.encode is None else spec.encode(value, False)
            )
        if "additional_data" in changed:
            for key, value in state["additional_data"].items():
                result.setdefault(key, value)
        return result

    def _odata_first(self) -> dict[str, Any]:
        """Start a JSON object with `@odata.type` when the model has one: Graph reads it
        first to know the type, and a subtype must always say which it is."""
        if not self._ODATA_TYPE or self._ODATA_ATTR is None:
            return {}
        value = self.__dict__.get(self._ODATA_ATTR)
        return {"@odata.type": value if isinstance(value, str) else self._ODATA_TYPE}

    @property
    def changed_fields(self) -> frozenset[str]:
        """Attribute names set or changed since the model was built or read."""
        return frozenset(self.__dict__["_changed"])

    def mark_unchanged(self) -> None:
        """Forget recorded changes, e.g. after a successful PATCH."""
        self.__dict__["_changed"] = set()

    def _values(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k[0] != "_"}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = [f"{k}={v!r}" for k, v in self._values().items() if k != "additional_data"]
        if self.__dict__["additional_data"]:
            parts.append(f"additional_data={self.__dict__['additional_data']!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def to_json_value(value: Any) -> Any:
    """Any SDK value (models, enums, date-times, lists, dicts of them) as plain JSON data."""
    if isinstance(value, Model):
        return value.to_dict(include_read_only=False)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    return value


def identity(value: Any) -> Any:
    return value


DATETIME: Final = Codec(parse_datetime, encode_datetime)
DATE: Final = Codec(parse_date, encode_date)
# An answer that is a plain JSON value (an operation's ``returns=None`` means no answer).
JSON: Final = Codec(identity, None)


def request_body(body: Model | Mapping[str, Any], *, partial: bool) -> Any:
    """What a client sends for ``body``: for PATCH only what changed, never read-only
    fields; a plain mapping is sent as given (after JSON conversion of its values)."""
    if isinstance(body, Model):
        return body.to_patch_dict() if partial else body.to_dict(include_read_only=False)
    return to_json_value(body)
