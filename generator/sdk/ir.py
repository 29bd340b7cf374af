"""The intermediate representation: what templates see of a spec.

`load` builds these from a validated OpenAPI document; `render` turns them into files.
Every value is frozen so a stage can never change what an earlier stage produced.
Names in the IR come in two forms: the spec's own (``name``/``json_name``, untrusted
text) and the Python identifier made from it once in `generator.sdk.naming`
(``python_name``), which is safe to print as code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# "null" is JSON null alone (`type: "null"`, `enum: [null]`); "any" is a value of any type.
PrimitiveKind = Literal["string", "integer", "number", "boolean", "null", "any"]
JsonScalar = str | int | float | bool | None


@dataclass(frozen=True)
class Primitive:
    """A JSON scalar; ``format`` is the OpenAPI format (int32, date-time, ...) or None."""

    kind: PrimitiveKind
    format: str | None = None


@dataclass(frozen=True)
class ModelRef:
    """A reference to a model by its spec schema name."""

    name: str


@dataclass(frozen=True)
class EnumRef:
    """A reference to an enum by its spec schema name."""

    name: str


@dataclass(frozen=True)
class ArrayOf:
    item: TypeRef
    # Items may be null (`items: {type: [string, "null"]}`, an enum listing null).
    nullable_items: bool = False


@dataclass(frozen=True)
class MapOf:
    """A JSON object with free keys (``additionalProperties`` schema)."""

    value: TypeRef
    nullable_values: bool = False


@dataclass(frozen=True)
class LiteralOf:
    """One of a few fixed JSON scalars (`const`, or an `enum` that is not all strings)."""

    values: tuple[JsonScalar, ...]


@dataclass(frozen=True)
class Discriminator:
    """A union's discriminator: the property whose value names the option (a model)."""

    property: str
    # (value, model schema name), in the spec's order
    mapping: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class UnionOf:
    """`oneOf`/`anyOf` or a type array: a value of one of ``options`` (never null; a
    nullable union is a nullable field). ``exclusive`` for oneOf (exactly one matches)."""

    options: tuple[TypeRef, ...]
    exclusive: bool = False
    discriminator: Discriminator | None = None


TypeRef = Primitive | ModelRef | EnumRef | ArrayOf | MapOf | LiteralOf | UnionOf


@dataclass(frozen=True)
class Constraints:
    """Validation keywords carried over from the schema (None when absent)."""

    minimum: float | int | None = None
    maximum: float | int | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None

    def is_empty(self) -> bool:
        return self == Constraints()


@dataclass(frozen=True)
class Field:
    json_name: str
    python_name: str
    type: TypeRef
    required: bool = False
    nullable: bool = False
    read_only: bool = False
    description: str = ""
    constraints: Constraints = Constraints()


@dataclass(frozen=True)
class Model:
    """An object schema. ``fields`` are its own; inherited ones live on ``base``."""

    name: str
    python_name: str
    # snake_case of python_name, unique among models: `validate_<snake_name>`.
    snake_name: str
    base: str | None = None
    fields: tuple[Field, ...] = ()
    discriminator_value: str | None = None
    description: str = ""
    abstract: bool = False
    # The property whose value names a subtype, on the root of a family discriminated by
    # another property than `@odata.type` (Graph's own, the default).
    discriminator: str | None = None


@dataclass(frozen=True)
class EnumMember:
    value: str
    python_name: str


@dataclass(frozen=True)
class EnumType:
    """A string enum; ``evolvable`` when the spec lists ``unknownFutureValue``."""

    name: str
    python_name: str
    members: tuple[EnumMember, ...]
    evolvable: bool = True
    description: str = ""


ParameterLocation = Literal["path", "query", "header", "cookie"]
# How a parameter's value is written (OpenAPI `style`); `explode` says how arrays and
# objects spread (see the runtime's `_endpoint.serialize`).
# "json" is not OpenAPI's: a parameter given by a JSON `content` is written as JSON text.
ParameterStyle = Literal[
    "form", "spaceDelimited", "pipeDelimited", "deepObject", "simple", "label", "matrix", "json"
]
# The style each location uses when the spec names none (OpenAPI 3.0, 4.8.12.4).
DEFAULT_STYLES: dict[str, ParameterStyle] = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
}


@dataclass(frozen=True)
class Parameter:
    name: str
    python_name: str
    location: ParameterLocation
    type: TypeRef
    required: bool = False
    description: str = ""
    style: ParameterStyle = "form"
    explode: bool = True

    @property
    def default_style(self) -> bool:
        """True when the spec's style and explode are the location's defaults."""
        style = DEFAULT_STYLES[self.location]
        return self.style == style and self.explode == (style == "form")


# How a body goes on the wire: JSON; form fields (application/x-www-form-urlencoded);
# multipart/form-data parts (files among them); raw bytes; text.
BodyEncoding = Literal["json", "form", "multipart", "binary", "text"]


@dataclass(frozen=True)
class RequestBody:
    type: TypeRef
    required: bool = True
    content_type: str = "application/json"
    encoding: BodyEncoding = "json"


@dataclass(frozen=True)
class Response:
    """One documented response; ``type`` is None for an empty body (204). ``encoding``
    says how the answer is read: JSON decoded, text, or bytes ("binary")."""

    status: str
    type: TypeRef | None = None
    description: str = ""
    content_type: str = "application/json"
    encoding: BodyEncoding = "json"


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme the client can send: ``kind`` is "bearer" (http bearer, oauth2,
    openIdConnect: a token), "basic" (http basic), or "apiKey" (``name`` ``location``:
    header, query or cookie)."""

    name: str
    kind: Literal["bearer", "basic", "apiKey"]
    location: Literal["header", "query", "cookie", ""] = ""
    parameter: str = ""


@dataclass(frozen=True)
class ServerVariable:
    """A `{name}` of a server URL; ``default`` is None when the spec gives none."""

    name: str
    default: str | None
    enum: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Server:
    """A server URL, with its `{variables}` (filled in by the client, never sent as is)."""

    url: str
    variables: tuple[ServerVariable, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    python_name: str
    method: str
    path: str
    summary: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    request_body: RequestBody | None = None
    responses: tuple[Response, ...] = ()
    permissions: tuple[str, ...] = ()
    # Set when the success body is a Graph collection page (``value`` + ``@odata.nextLink``):
    # the element type of ``value``.
    page_item: TypeRef | None = None
    deprecated: bool = False
    # The operation's own security requirements (alternatives, each a set of scheme
    # names; an empty set makes credentials optional); None means the API's default.
    security: tuple[tuple[str, ...], ...] | None = None
    # A delta function (the path's last segment is `delta` or `delta()`): its list can
    # end with `@odata.deltaLink` and resume from it.
    delta: bool = False

    @property
    def success(self) -> Response | None:
        """The first 2xx response, which the client returns to the caller."""
        for response in self.responses:
            if response.status.startswith("2"):
                return response
        return None


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str = ""
    servers: tuple[Server, ...] = ()
    models: tuple[Model, ...] = ()
    enums: tuple[EnumType, ...] = ()
    operations: tuple[Operation, ...] = ()
    # The security schemes the client can send, by name, and the API's default
    # requirements (alternatives of scheme sets; None when the spec states none).
    security_schemes: tuple[SecurityScheme, ...] = field(default=())
    security: tuple[tuple[str, ...], ...] | None = None
    # What the SDK cannot express faithfully, each naming its JSON pointer.
    warnings: tuple[str, ...] = ()

    def model(self, name: str) -> Model:
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(name)
