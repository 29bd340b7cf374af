"""Spec rules: OpenAPI validity (openapi-spec-validator, every error) plus style and Graph rules.

Every hit carries the JSON pointer of the value it is about and that value's line and column
in the YAML (the nearest enclosing value's when the exact one has no position, as in JSON).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema.exceptions import SchemaError, UnknownType
from referencing.exceptions import Unresolvable

from generator.errors import InputError
from generator.lint import schemas
from generator.lint.core import Hit
from generator.spec.io import SpecFile, escape_pointer_token, pointer
from generator.spec.openapi import HTTP_METHODS
from generator.spec.patterns import pattern_problem
from generator.spec.validate import check_local_refs
from generator.spec.validator import absolute_path, message_of, validator_for

_TODO = re.compile(r"\b(TODO|TBD|FIXME)\b")
_OP_ID = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*$")
_SCRIPT = re.compile(r"<script|\beval\(", re.IGNORECASE)
_PARAM = re.compile(r"\{([^{}]*)\}")
_COMPONENT_KINDS = (
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
)
_TYPES: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _flat(text: Any) -> str:
    """The message on one line, whole (a reviewer needs all of it)."""
    return " ".join(str(text).split())


# openapi-spec-validator reports these at the document root; they name their operation.
_OPERATION_ID_NOT_UNIQUE = re.compile(r"^Operation ID '.*' for '(\w+)' in '(.*)' is not unique$")
_PATH_PARAM_UNRESOLVED = re.compile(
    r"^Path parameter '.*' for '(\w+)' operation in '(.*)' was not resolved$"
)
# Apigen rules that say what some validator errors say, better located and worded: a
# validator error at, above or below one of their findings is the same fault.
_RESTATED_BY = ("spec-operation-id-duplicate", "spec-path-params", "spec-enum-values")
# How jsonschema words a oneOf/anyOf failure: around a deeper error, it restates that one.
_NO_ALTERNATIVE = "is not valid under any of the"


def _message(error: Any) -> str:
    """The validator's message, or, for a value no alternative accepts (an unknown `type`
    is "not valid under any of the given schemas"), the alternative that lists what it
    may be."""
    for alternative in error.context or ():
        if alternative.validator == "enum" and not list(alternative.relative_path):
            return message_of(alternative)
    return message_of(error)


def _related(a: str, b: str) -> bool:
    """One pointer is the other, or inside it."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _walk(node: Any, ptr: str = "") -> Iterator[tuple[str, Any]]:
    """Every value of the document with its pointer, depth first, in document order."""
    stack: list[tuple[str, Any]] = [(ptr, node)]
    while stack:
        here, value = stack.pop()
        yield here, value
        if isinstance(value, Mapping):
            stack.extend(
                (f"{here}/{escape_pointer_token(k)}", v) for k, v in reversed(list(value.items()))
            )
        elif isinstance(value, list):
            stack.extend((f"{here}/{i}", v) for i, v in reversed(list(enumerate(value))))


class _SpecLinter:
    def __init__(self, spec: SpecFile) -> None:
        self.spec = spec
        self.data: Mapping[str, Any] = spec.data
        self.hits: list[Hit] = []
        comps = self.data.get("components")
        self.components: Mapping[str, Any] = comps if isinstance(comps, Mapping) else {}
        sch = self.components.get("schemas")
        self.schemas: Mapping[str, Any] = sch if isinstance(sch, Mapping) else {}
        self.valid_errors: list[tuple[str, str]] = []
        # Example pointer -> the pointer of its schema, which could not be read to check it.
        self.unreadable: dict[str, str] = {}

    def at(self, ptr: str) -> tuple[int, int]:
        while True:
            if ptr in self.spec.positions:
                return self.spec.positions[ptr]
            if not ptr:
                return (1, 1)
            ptr = ptr.rsplit("/", 1)[0]

    def hit(self, rule_id: str, ptr: str, message: str) -> None:
        line, col = self.at(ptr)
        self.hits.append(Hit(rule_id, line, col, message, ptr or "/"))

    def operations(self) -> Iterator[tuple[str, str, str, Mapping[str, Any], Mapping[str, Any]]]:
        paths = self.data.get("paths")
        if not isinstance(paths, Mapping):
            return
        for path, item in paths.items():
            if not isinstance(item, Mapping):
                continue
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, Mapping):
                    yield path, method, pointer("paths", path, method), op, item

    def run(self) -> list[Hit]:
        self.validity()
        self.operation_ids()
        self.responses_security_tags()
        self.servers()
        self.paths()
        self.unused()
        self.schema_rules()
        self.examples()
        self.text_rules()
        self.collapse_valid()
        return self.hits

    def validity(self) -> None:
        version = str(self.data.get("openapi", ""))
        cls = validator_for(version)
        try:
            # Before the validator resolves anything: it would fetch remote refs and read files.
            check_local_refs(self.spec)
        except InputError as exc:
            self.hit("spec-valid", exc.pointer or "", _flat(exc.message))
            return
        found: list[tuple[str, str]] = []
        try:
            for error in cls(self.data).iter_errors():
                message = _message(error)
                found.append((self.error_pointer(error, message), _flat(message)))
        except RecursionError:
            self.hit("spec-valid", "", "the spec nests too deeply to validate")
        except (ValueError, TypeError, LookupError, OverflowError) as exc:
            # Third-party code reading untrusted data: its crash is a finding, not ours
            # (OverflowError: a `pattern` repetition count `re` cannot hold).
            self.hit("spec-valid", "", f"the validator stopped: {_flat(exc)}")
        self.valid_errors = found

    def error_pointer(self, error: Any, message: str) -> str:
        """The absolute pointer of a validator error.

        Errors in a schema object are reported relative to that schema (``/oneOf/0/type``):
        the schema is found as the node from which that path reaches the very value the
        error names. Errors about an operation as a whole come at the root: their message
        names the operation.
        """
        path = list(error.absolute_path)
        for pattern, tail in (
            (_OPERATION_ID_NOT_UNIQUE, ("operationId",)),
            (_PATH_PARAM_UNRESOLVED, ()),
        ):
            m = pattern.match(message)
            if m is not None and not path:
                return pointer("paths", m.group(2), m.group(1), *tail)
        return pointer(*absolute_path(self.data, path, error.instance))

    def collapse_valid(self) -> None:
        """One finding per fault: a validator error restating an apigen rule's finding goes
        into it, and of errors nested in each other (an unknown `type` and the `oneOf` around it) only
        the deepest stays."""
        apigen = [h.pointer or "/" for h in self.hits if h.rule_id in _RESTATED_BY]
        errors = [(p or "/", m) for p, m in self.valid_errors]
        kept: list[tuple[str, str]] = []
        for ptr, message in errors:
            if any(_related(ptr, a) for a in apigen):
                continue
            if _NO_ALTERNATIVE in message and any(
                other.startswith(ptr.rstrip("/") + "/") for other, _ in errors
            ):
                continue  # no alternative fits because of the deeper error: that is the fault
            if (ptr, message) not in kept:
                kept.append((ptr, message))
        # An example whose schema the validator finds invalid is the apigen rule's finding
        # (spec-example-schema), which then names the validator's error and where it is.
        said: dict[str, list[str]] = {}
        for ptr, message in kept:
            example = next(
                (ex for ex, schema in self.unreadable.items() if _related(ptr, schema)), None
            )
            if example is None:
                self.hit("spec-valid", "" if ptr == "/" else ptr, message)
            else:
                said.setdefault(example, []).append(f"{message} at {ptr}")
        for i, h in enumerate(self.hits):
            if h.rule_id == "spec-example-schema" and h.pointer in said:
                text = "; ".join(said[h.pointer])
                self.hits[i] = h._replace(
                    message=f"example cannot be checked: its schema is unreadable: {text}"
                )

    def operation_ids(self) -> None:
        seen: dict[str, str] = {}
        for path, method, ptr, op, _ in self.operations():
            op_id = op.get("operationId")
            if not isinstance(op_id, str) or not op_id:
                self.hit(
                    "spec-operation-id-missing", ptr, f"{method.upper()} {path} has no operationId"
                )
                continue
            if op_id in seen:
                self.hit(
                    "spec-operation-id-duplicate", f"{ptr}/operationId",
                    f"operationId {op_id} is also used at {seen[op_id]}",
                )  # fmt: skip
            else:
                seen[op_id] = ptr
            if not _OP_ID.match(op_id):
                self.hit(
                    "spec-operation-id-chars",
                    f"{ptr}/operationId",
                    f"operationId {op_id!r} is not URL-safe",
                )

    def responses_security_tags(self) -> None:
        top_security = self.data.get("security")
        schemes = self.components.get("securitySchemes")
        declared = set(schemes) if isinstance(schemes, Mapping) else set()
        tags = self.data.get("tags")
        tag_names = (
            [t.get("name") for t in tags if isinstance(t, Mapping)]
            if isinstance(tags, list)
            else []
        )
        for name, count in Counter(tag_names).items():
            if count > 1:
                self.hit("spec-tags", "/tags", f"tag {name} is listed {count} times")
        for path, method, ptr, op, _ in self.operations():
            where = f"{method.upper()} {path}"
            responses = op.get("responses")
            codes = [str(c) for c in responses] if isinstance(responses, Mapping) else []
            if not any(c[:1] in ("2", "3") for c in codes):
                self.hit(
                    "spec-success-response",
                    f"{ptr}/responses",
                    f"{where} has no 2xx or 3xx response",
                )
            security = op.get("security", top_security)
            sec_ptr = f"{ptr}/security" if "security" in op else "/security"
            if not isinstance(security, list) or not security:
                self.hit("spec-security", ptr, f"{where} has no security requirement")
            else:
                for i, requirement in enumerate(security):
                    for scheme in requirement if isinstance(requirement, Mapping) else ():
                        if scheme not in declared:
                            self.hit(
                                "spec-security",
                                f"{sec_ptr}/{i}",
                                f"{where} names undeclared security scheme {scheme}",
                            )
            op_tags = op.get("tags")
            if not isinstance(op_tags, list) or not op_tags:
                self.hit("spec-tags", ptr, f"{where} has no tags")
            elif tag_names:
                for i, tag in enumerate(op_tags):
                    if tag not in tag_names:
                        self.hit(
                            "spec-tags",
                            f"{ptr}/tags/{i}",
                            f"tag {tag} is not in the global tags list",
                        )
            if "x-ms-permissions" not in op:
                self.hit("spec-permissions", ptr, f"{where} has no x-ms-permissions")

    def servers(self) -> None:
        servers = self.data.get("servers")
        if not isinstance(servers, list) or not servers:
            self.hit("spec-servers", "", "the spec lists no servers")
            return
        for i, server in enumerate(servers):
            url = server.get("url") if isinstance(server, Mapping) else None
            if isinstance(url, str) and url.endswith("/"):
                self.hit("spec-servers", f"/servers/{i}/url", f"server URL {url} ends with a slash")

    def _parameter(self, param: Any) -> Mapping[str, Any]:
        if isinstance(param, Mapping) and isinstance(param.get("$ref"), str):
            ref = param["$ref"]
            prefix = "#/components/parameters/"
            params = self.components.get("parameters")
            if ref.startswith(prefix) and isinstance(params, Mapping):
                found = params.get(ref[len(prefix) :])
                return found if isinstance(found, Mapping) else {}
            return {}
        return param if isinstance(param, Mapping) else {}

    def paths(self) -> None:
        paths = self.data.get("paths")
        if not isinstance(paths, Mapping):
            return
        for path in paths:
            ptr = pointer("paths", path)
            if path != "/" and path.endswith("/"):
                self.hit("spec-path-trailing-slash", ptr, f"path {path} ends with a slash")
            if "?" in path:
                self.hit("spec-path-syntax", ptr, f"path {path} has a query string")
            if "{}" in path:
                self.hit("spec-path-syntax", ptr, f"path {path} has an empty parameter {{}}")
        for path, method, ptr, op, item in self.operations():
            in_path = [p for p in _PARAM.findall(path) if p]
            declared: dict[tuple[str, str], str] = {}
            shared = [
                (f"{pointer('paths', path)}/parameters/{i}", p)
                for i, p in enumerate(item.get("parameters") or [])
            ]
            own = [(f"{ptr}/parameters/{i}", p) for i, p in enumerate(op.get("parameters") or [])]
            own_keys: set[tuple[str, str]] = set()
            for where, raw in own:
                param = self._parameter(raw)
                key = (str(param.get("name")), str(param.get("in")))
                if key in own_keys:
                    self.hit(
                        "spec-path-params",
                        where,
                        f"parameter {key[0]} ({key[1]}) is declared twice",
                    )
                own_keys.add(key)
                declared[key] = where
            for where, raw in shared:
                param = self._parameter(raw)
                declared.setdefault((str(param.get("name")), str(param.get("in"))), where)
            for name in in_path:
                if (name, "path") not in declared:
                    self.hit(
                        "spec-path-params",
                        ptr,
                        f"path parameter {{{name}}} of {path} is not declared",
                    )
            for (name, where_in), where in declared.items():
                if where_in == "path" and name not in in_path and where.startswith(ptr):
                    self.hit(
                        "spec-path-params",
                        where,
                        f"path parameter {name} is not in the path {path}",
                    )

    def unused(self) -> None:
        outside = {k: v for k, v in self.data.items() if k != "components"}
        refs: set[str] = set()
        pending = [v for v in outside.values()]
        comp_nodes: dict[str, Any] = {}
        for kind in _COMPONENT_KINDS:
            group = self.components.get(kind)
            if isinstance(group, Mapping):
                for name, node in group.items():
                    comp_nodes[f"#/components/{kind}/{escape_pointer_token(name)}"] = node
        while pending:
            node = pending.pop()
            for _, value in _walk(node):
                if not isinstance(value, Mapping):
                    continue
                targets = []
                if isinstance(value.get("$ref"), str):
                    targets.append(value["$ref"])
                disc = value.get("discriminator")
                if isinstance(disc, Mapping) and isinstance(disc.get("mapping"), Mapping):
                    targets.extend(v for v in disc["mapping"].values() if isinstance(v, str))
                for target in targets:
                    if target not in refs:
                        refs.add(target)
                        if target in comp_nodes:
                            pending.append(comp_nodes[target])
        for ref in comp_nodes:
            if ref not in refs:
                name = ref.split("/", 3)[3]
                kind = ref.split("/")[2]
                self.hit(
                    "spec-schema-unused",
                    ref[1:],
                    f"components.{kind} entry {_unescape(name)} is never referenced",
                )

    def schema_rules(self) -> None:
        for ptr, node in _walk(self.data):
            if not isinstance(node, Mapping):
                continue
            props = node.get("properties")
            required = node.get("required")
            if isinstance(props, Mapping) and isinstance(required, list):
                for name in required:
                    prop = props.get(name)
                    if (
                        isinstance(prop, Mapping)
                        and schemas.resolve(prop, self.schemas).get("nullable") is True
                    ):
                        self.hit(
                            "spec-required-nullable", f"{ptr}/properties/{escape_pointer_token(name)}",
                            f"property {name} is both required and nullable",
                        )  # fmt: skip
            enum = node.get("enum")
            if isinstance(enum, list) and "/example" not in ptr:
                self.enum_rules(ptr, node, enum)
            pattern = node.get("pattern")
            if isinstance(pattern, str) and "/example" not in ptr:
                problem = pattern_problem(pattern)
                if problem is not None:
                    self.hit("spec-pattern", f"{ptr}/pattern", f"pattern {pattern!r} {problem}")

    def enum_rules(self, ptr: str, node: Mapping[str, Any], enum: list[Any]) -> None:
        counts = Counter(repr(v) for v in enum)
        for value, count in counts.items():
            if count > 1:
                self.hit(
                    "spec-enum-values", f"{ptr}/enum", f"enum value {value} is listed {count} times"
                )
        kind = node.get("type")
        allowed = _TYPES.get(kind) if isinstance(kind, str) else None
        if allowed is not None:
            for i, value in enumerate(enum):
                if value is None and node.get("nullable") is True:
                    continue
                ok = isinstance(value, allowed) and not (
                    isinstance(value, bool) and kind != "boolean"
                )
                if not ok:
                    self.hit(
                        "spec-enum-values",
                        f"{ptr}/enum/{i}",
                        f"enum value {value!r} is not of type {kind}",
                    )
        name = (
            _unescape(ptr.rsplit("/", 1)[-1])
            if ptr.startswith("/components/schemas/") and ptr.count("/") == 3
            else ""
        )
        # Members after unknownFutureValue are the evolvable enum's later members: no fault.
        if (
            name.startswith("microsoft.")
            and all(isinstance(v, str) for v in enum)
            and "unknownFutureValue" not in enum
        ):
            self.hit(
                "spec-enum-evolvable",
                f"{ptr}/enum",
                f"enum {name} has no unknownFutureValue member",
            )

    def examples(self) -> None:
        for ptr, node in _walk(self.data):
            if not isinstance(node, Mapping) or "schema" not in node:
                continue
            schema = node["schema"]
            cases: list[tuple[str, Any]] = []
            if "example" in node:
                cases.append((f"{ptr}/example", node["example"]))
            named = node.get("examples")
            if isinstance(named, Mapping):
                for key, ex in named.items():
                    if isinstance(ex, Mapping) and "value" in ex:
                        cases.append(
                            (f"{ptr}/examples/{escape_pointer_token(key)}/value", ex["value"])
                        )
            for where, value in cases:
                self.check_example(where, value, schema, f"{ptr}/schema")
        for name, schema in self.schemas.items():
            if isinstance(schema, Mapping) and "example" in schema:
                where = pointer("components", "schemas", name)
                self.check_example(f"{where}/example", schema["example"], schema, where)

    def check_example(self, ptr: str, value: Any, schema: Any, schema_ptr: str) -> None:
        try:
            found = list(schemas.errors(value, schema, self.schemas))
        except RecursionError:
            return
        except (SchemaError, UnknownType, Unresolvable, TypeError, ValueError, LookupError) as exc:
            # An unknown `type`, a list where a keyword wants a name, a broken `$ref`: the
            # schema itself is unreadable (the validator's own code fails on it), so the
            # example cannot be judged; say so here rather than crash.
            self.unreadable[ptr] = schema_ptr
            self.hit(
                "spec-example-schema",
                ptr,
                f"example cannot be checked: its schema is unreadable ({_flat(str(exc).splitlines()[0])})",
            )
            return
        for error in found:
            where = ptr + pointer(*error.absolute_path)
            self.hit(
                "spec-example-schema",
                where,
                f"example does not fit its schema: {_flat(error.message)}",
            )

    def text_rules(self) -> None:
        info = self.data.get("info")
        if isinstance(info, Mapping) and not info.get("description"):
            self.hit("spec-description", "/info", "info has no description")
        for path, method, ptr, op, _ in self.operations():
            if not op.get("description") and not op.get("summary"):
                self.hit(
                    "spec-description",
                    ptr,
                    f"{method.upper()} {path} has no description or summary",
                )
        for ptr, node in _walk(self.data):
            key = _unescape(ptr.rsplit("/", 1)[-1]) if ptr else ""
            if not isinstance(node, str):
                continue
            if "/example" in ptr:
                continue
            if key == "description" and not node.strip():
                self.hit("spec-description", ptr, "description is empty")
            m = _TODO.search(node)
            if m:
                self.hit("spec-todo", ptr, f"{m.group(1)} left in {_flat(node)}")
            if key in ("description", "title", "summary") and _SCRIPT.search(node):
                self.hit("spec-markdown-script", ptr, f"{key} contains a script or eval(")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def lint_spec(spec: SpecFile) -> list[Hit]:
    """Every spec rule on one spec read with positions."""
    return _SpecLinter(spec).run()
