"""The lint vocabulary: findings, the rule registry, settings, and the fail decision.

`RULES` is the one place a rule is declared (id, default severity, one-line description,
hint, and the Spectral `oas` rules it stands in for); the README tables, the SARIF rule list
and settings validation are all read from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NamedTuple

from generator.errors import InputError

Severity = Literal["error", "warning", "info"]
Level = Literal["error", "warning", "info", "off"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
RANK: Mapping[str, int] = MappingProxyType({"error": 2, "warning": 1, "info": 0})


class RuleInfo(NamedTuple):
    """A rule: what it reads (page or spec), its default severity, what it means, how to fix."""

    target: Literal["page", "spec", "any"]
    severity: Severity
    description: str
    hint: str
    spectral: tuple[str, ...] = ()


def _r(
    target: Literal["page", "spec", "any"],
    severity: Severity,
    description: str,
    hint: str,
    *spectral: str,
) -> RuleInfo:
    return RuleInfo(target, severity, description, hint, tuple(spectral))


# The registry: every rule `apigen lint` can report. Docs, SARIF and settings read it.
RULES: Mapping[str, RuleInfo] = MappingProxyType(
    {
        # -- pages -----------------------------------------------------------------------
        "page-invalid": _r(
            "page", "error", "The page cannot be read as a reference page at all.",
            "Fix the structure the message names (title heading, HTTP request block)."),
        "page-parse": _r(
            "page", "warning", "Part of the page was not understood (a table, an include, example JSON).",
            "Use the standard Graph page layout for that section so tools can read it."),
        "page-unread": _r(
            "page", "info", "A table, type cell or code block apigen does not read; the spec leaves it out (or says \"any value\").",
            "If it is a type, write it as Graph pages do (`String`, `microsoft.graph.x`, `Collection(microsoft.graph.x)`); `apigen spec` warns about the same place."),
        "page-type-undefined": _r(
            "page", "info", "A type the page names is defined by no page linted with it (each page is linted alone).",
            "Build it with the resource page that defines the type (`apigen spec PAGE RESOURCE_PAGE`)."),
        "page-build": _r(
            "page", "warning", "Building the page into a spec left something out or guessed (a repeated operation, an example that does not fit).",
            "Fix the part of the page the message names; `apigen spec` prints the same warning."),
        "page-front-matter": _r(
            "page", "warning", "A front matter key Graph pages need (title, description, author, ms.prod) is missing or empty.",
            "Fill in the key; see the topic-level metadata reference."),
        "page-todo": _r(
            "page", "error", "TODO or placeholder text left in the page.",
            "Replace the TODO with the real text before publishing."),
        "page-namespace": _r(
            "page", "warning", "An API or resource page has no `Namespace:` line.",
            "Add `Namespace: microsoft.graph` (or the page's namespace) under the title."),
        "page-permissions": _r(
            "page", "error", "Permissions are missing, placeholders, or not supported for every permission type.",
            "List the least privileged permission for each type, or `Not supported.`"),
        "page-update-without-key": _r(
            "page", "error", "An update/replace/delete path addresses no single entity (no key segment).",
            "Address one entity, e.g. `PATCH /things/{thing-id}`, or a singleton such as `/me`."),
        "page-base-namespace": _r(
            "page", "error", "A base type's namespace differs from the page's namespace.",
            "Inherit from the type in the page's namespace (e.g. microsoft.graph.x), or fix the page's Namespace."),
        "page-property-case": _r(
            "page", "error", "Property names on one page differ only in letter case (table, examples, resource).",
            "Use one spelling everywhere; JSON property names are case-sensitive."),
        "pages-property-case": _r(
            "page", "info", "A property is spelled with a different letter case than on the other pages linted (of any type: `etag` and `eTag` may both be right).",
            "Use the spelling the other pages use, unless they are the ones that are wrong."),
        "page-enum-evolvable": _r(
            "page", "info", "An enum's listed values lack `unknownFutureValue` (Graph's older enums have none: the metadata tells).",
            "If the service's enum is evolvable, list `unknownFutureValue` (members added later come after it)."),
        "page-example-schema": _r(
            "page", "error", "An example value does not fit the type its property table gives.",
            "Use a realistic value of the right type (an integer, an enum member, an ISO 8601 date-time with offset).", ),
        "page-example-placeholder": _r(
            "page", "warning", "An example value is a type name placeholder such as \"String\".",
            "Use a realistic example value."),
        "page-example-unknown-property": _r(
            "page", "warning", "An example has a property the page's property table lacks.",
            "Add the property to the table, or remove it from the example."),
        "page-example-missing-property": _r(
            "page", "warning", "A required body property is in no request example, or a resource property is not in its JSON representation.",
            "Show the property in the example or JSON representation."),
        "page-examples-unpaired": _r(
            "page", "error", "Request and response examples do not pair up (each request needs one response).",
            "Follow each request block with its response block."),
        "page-example-request-mismatch": _r(
            "page", "error", "A request example's method or path matches no line of the HTTP request block.",
            "Make the example call one of the documented HTTP requests."),
        "page-response-status": _r(
            "page", "error", "The Response section states no status, or one that the response example contradicts.",
            "State the status as `200 OK` in the Response section and use it in the example."),
        "page-content-type": _r(
            "page", "warning", "A request example sends a JSON body without a `Content-Type` header.",
            "Add `Content-Type: application/json` to the example request."),
        "page-annotation": _r(
            "page", "warning", "An example's `blockType` annotation lacks what the doc tools need (`name`, `@odata.type`).",
            "Add `\"name\"` to request annotations and `\"@odata.type\"` to response annotations with a body."),
        "page-empty-description": _r(
            "page", "warning", "A description (page, property, parameter, header) is empty.",
            "Describe what the value means."),
        "page-update-required-property": _r(
            "page", "info", "An update (PATCH) body table marks a property as Required.",
            "PATCH is a partial update: mark the properties Optional unless the service insists."),
        # -- pages against the service metadata (`--metadata FILE.csdl`, lint/metadata.py) --
        "metadata-unknown-type": _r(
            "page", "error", "A type the page names is not declared in the service metadata.",
            "Use the type's name as the metadata spells it (the finding suggests one when it can)."),
        "metadata-unknown-property": _r(
            "page", "error", "A property row names a property the metadata type does not have.",
            "Fix the name (JSON names are case-sensitive) or remove the row."),
        "metadata-missing-property": _r(
            "page", "warning", "A property the metadata type declares itself has no row on its resource page.",
            "Document the property in the Properties (or Relationships) table."),
        "metadata-property-type": _r(
            "page", "error", "A property's type or collection differs from the metadata's.",
            "Write the type the metadata gives, with `collection` when it is one."),
        "metadata-nullable": _r(
            "page", "warning", "A description says Nullable / Not nullable where the metadata says otherwise.",
            "Say what the metadata's `Nullable` says, or leave nullability unstated."),
        "metadata-base-type": _r(
            "page", "error", "The base type the page states is not the metadata type's base.",
            "Inherit from the base type the metadata declares."),
        "metadata-enum-members": _r(
            "page", "warning", "An enum table or \"Possible values\" list has members the metadata lacks, or lacks some it has.",
            "List exactly the members the metadata declares."),
        "metadata-operation": _r(
            "page", "error", "An action's or function's parameters or return type differ from the metadata's.",
            "Document the parameters (names, types) and the return type the metadata declares."),
        "metadata-path": _r(
            "page", "error", "A request path addresses nothing the metadata's entity sets, singletons and navigation properties reach.",
            "Fix the path segment the message names (a misspelt property, a missing key)."),
        # -- specs -----------------------------------------------------------------------
        "spec-syntax": _r(
            "spec", "error", "The spec file cannot be parsed (YAML/JSON syntax, alias bombs, duplicate keys).",
            "Fix the file at the line given."),
        "spec-valid": _r(
            "spec", "error", "The spec is not a valid OpenAPI 3.0 document (openapi-spec-validator).",
            "Fix the value at the JSON pointer given.", "oas3-schema"),
        "spec-operation-id-missing": _r(
            "spec", "error", "An operation has no operationId (the SDK method name comes from it).",
            "Add a unique operationId.", "operation-operationId"),
        "spec-operation-id-duplicate": _r(
            "spec", "error", "Two operations share an operationId.",
            "Make every operationId unique.", "operation-operationId-unique"),
        "spec-operation-id-chars": _r(
            "spec", "warning", "An operationId has characters that are not URL/identifier safe.",
            "Use letters, digits, `_`, `-` and `.` only.", "operation-operationId-valid-in-url"),
        "spec-success-response": _r(
            "spec", "error", "An operation has no 2xx (or 3xx) response.",
            "Document the success response.", "operation-success-response"),
        "spec-security": _r(
            "spec", "warning", "An operation has no security requirement, or names an undeclared scheme.",
            "Declare security at the top level or on the operation, using schemes in components.securitySchemes.",
            "oas3-operation-security-defined"),
        "spec-servers": _r(
            "spec", "warning", "The spec lists no servers, or a server URL ends with a slash.",
            "List the service root, e.g. https://graph.microsoft.com/v1.0.",
            "oas3-api-servers", "oas3-server-trailing-slash"),
        "spec-path-trailing-slash": _r(
            "spec", "warning", "A path ends with a slash.",
            "Remove the trailing slash.", "path-keys-no-trailing-slash"),
        "spec-path-syntax": _r(
            "spec", "error", "A path has a query string or an empty `{}` parameter.",
            "Declare query parameters as parameters; name every path parameter.",
            "path-not-include-query", "path-declarations-must-exist"),
        "spec-path-params": _r(
            "spec", "error", "A path parameter is not declared, declared twice, or declared but not in the path.",
            "Declare each `{name}` of the path once as an `in: path` parameter with required: true.",
            "path-params", "operation-parameters"),
        "spec-schema-unused": _r(
            "spec", "warning", "A component is defined but nothing refers to it.",
            "Remove it, or refer to it.", "oas3-unused-component"),
        "spec-required-nullable": _r(
            "spec", "warning", "A property is both required and nullable.",
            "Decide: required values are rarely null; drop one of the two."),
        "spec-enum-evolvable": _r(
            "spec", "warning", "A Graph enum lacks `unknownFutureValue` (members after it are its later members).",
            "Add `unknownFutureValue` (Graph's evolvable enum convention); members added later go after it."),
        "spec-enum-values": _r(
            "spec", "error", "An enum repeats a value, or has a value not of the schema's type.",
            "List each value once, with the schema's type.", "duplicated-entry-in-enum", "typed-enum"),
        "spec-example-schema": _r(
            "spec", "error", "A media type or schema example does not fit its schema.",
            "Fix the example value.", "oas3-valid-media-example", "oas3-valid-schema-example"),
        "spec-pattern": _r(
            "spec", "warning", "A `pattern` Python cannot read, or one that may backtrack catastrophically (a repetition inside a repetition, as in `^(a+)+$`).",
            "Rewrite the pattern so that each repetition has one way to match (`^[a-z]+$`); the SDK leaves unsafe patterns unchecked."),
        "spec-description": _r(
            "spec", "info", "The API or an operation has no description, or a description is empty.",
            "Describe it: descriptions become the SDK's docstrings.",
            "info-description", "operation-description"),
        "spec-tags": _r(
            "spec", "info", "An operation has no tags or one missing from the global tags list; a tag is listed twice.",
            "Tag every operation with a tag listed (once) under `tags`.",
            "operation-tags", "operation-tag-defined", "openapi-tags-uniqueness"),
        "spec-permissions": _r(
            "spec", "warning", "An operation has no `x-ms-permissions`.",
            "List the permissions each permission type needs (Graph's x-ms-permissions)."),
        "spec-todo": _r(
            "spec", "error", "TODO or placeholder text left in the spec.",
            "Replace the TODO with the real text."),
        "spec-markdown-script": _r(
            "spec", "error", "A description or title contains `<script` or `eval(`.",
            "Remove the script; descriptions are rendered as Markdown and into generated code.",
            "no-script-tags-in-markdown", "no-eval-in-markdown"),
        # -- both ------------------------------------------------------------------------
        "lint-directive": _r(
            "any", "warning", "An `apigen-lint` comment names an unknown rule or is malformed.",
            "Use `apigen-lint disable RULE` or `apigen-lint disable-next-line RULE` with ids from the rules table."),
    }
)  # fmt: skip


class Hit(NamedTuple):
    """What a rule reports, before settings and inline comments give it a severity (or drop it)."""

    rule_id: str
    line: int
    column: int
    message: str
    pointer: str | None = None
    # The file it is in, when not the one linted (a piece of a split spec bundled in).
    file: str | None = None


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. ``line``/``column`` are 1-based; ``pointer`` is set for specs."""

    file: str
    line: int
    column: int
    rule_id: str
    severity: Severity
    message: str
    hint: str
    pointer: str | None = None


@dataclass(frozen=True)
class LintReport:
    """Findings in stable order, the files linted and those skipped (not a page or spec)."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...]
    skipped: tuple[str, ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass(frozen=True)
class LintSettings:
    """Per-rule levels overriding the registry's defaults (`"off"` switches a rule off), and
    the service metadata (CSDL) pages are checked against, if any."""

    rules: Mapping[str, Level] = field(default_factory=dict)
    metadata: Path | None = None

    def level(self, rule_id: str) -> Level:
        return self.rules.get(rule_id, RULES[rule_id].severity)


def settings_from_config(lint: Mapping[str, object], source: str) -> LintSettings:
    """Read `[tool.apigen.lint]`; unknown keys, rule ids and levels are `InputError`s naming the key.

    ``metadata`` is a path relative to the folder of the config file ``source``.
    """
    levels: dict[str, Level] = {}
    metadata: Path | None = None
    for key, value in lint.items():
        if key == "metadata":
            if not isinstance(value, str) or not value:
                raise InputError(
                    "[tool.apigen.lint.metadata] must be the path of a CSDL file", file=source
                )
            metadata = Path(source).parent / value
            continue
        if key != "rules":
            raise InputError(
                f"[tool.apigen.lint.{key}] unknown key; known: metadata, rules", file=source
            )
        if not isinstance(value, Mapping):
            raise InputError(
                "[tool.apigen.lint.rules] must be a table of rule = level", file=source
            )
        for rule_id, level in value.items():
            where = f"tool.apigen.lint.rules.{rule_id}"
            if rule_id not in RULES:
                raise InputError(
                    f"[{where}] unknown rule id; see `apigen lint --help` for the list", file=source
                )
            if level not in ("off", "error", "warning", "info"):
                raise InputError(
                    f"[{where}] must be one of off, error, warning, info (got {level!r})",
                    file=source,
                )
            levels[str(rule_id)] = level
    return LintSettings(MappingProxyType(levels), metadata)


def should_fail(report: LintReport, fail_severity: Severity) -> bool:
    """True when any finding is at or above ``fail_severity``."""
    floor = RANK[fail_severity]
    return any(RANK[f.severity] >= floor for f in report.findings)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rules_markdown_table() -> str:
    """The README's rules table: id, applies to, default severity, what it checks."""
    lines = ["| rule | on | default | what it checks |", "|---|---|---|---|"]
    for rule_id, info in RULES.items():
        lines.append(
            f"| `{rule_id}` | {info.target} | {info.severity} | {_cell(info.description)} |"
        )
    return "\n".join(lines) + "\n"


# Spectral `oas` rules we deliberately do not cover, with the reason (for the README table).
SPECTRAL_NOT_COVERED: Mapping[str, str] = MappingProxyType(
    {
        "info-contact": "Graph specs carry no contact object.",
        "info-license": "Graph specs carry no license object.",
        "license-url": "Graph specs carry no license object.",
        "contact-properties": "Graph specs carry no contact object.",
        "no-$ref-siblings": "OpenAPI 3.0 ignores $ref siblings; the builder never writes them.",
        "openapi-tags-alphabetical": "Off in Spectral's recommended set too.",
        "tag-description": "Graph tags are entity set names with no prose.",
        "operation-singular-tag": "Graph operations have one tag by construction.",
    }
)


def spectral_markdown_table() -> str:
    """The README's Spectral coverage table: each `oas` rule we cover and the apigen rule doing it."""
    rows: list[tuple[str, str]] = []
    for rule_id, info in RULES.items():
        rows.extend((name, f"`{rule_id}`") for name in info.spectral)
    rows.extend((name, f"not covered: {why}") for name, why in SPECTRAL_NOT_COVERED.items())
    lines = ["| Spectral `oas` rule | apigen |", "|---|---|"]
    lines.extend(f"| `{name}` | {_cell(what)} |" for name, what in sorted(rows))
    return "\n".join(lines) + "\n"
