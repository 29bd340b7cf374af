"""Relative `$ref`s to files beside the spec, bundled into one self-contained document.

A spec may be split over files: `$ref: schemas/pet.yaml` or `$ref: common.yaml#/components/
parameters/top`. Every such file must lie inside the spec's own folder tree (after
following links) and is read with the same limits as the spec; remote refs (`http:`,
`//host`) are refused. What a ref names is copied in: a target under `/components/<kind>/
<name>` of its file, or any schema (a ref where a schema stands), becomes a component of
the same kind in this document and the ref points to it; anything else (a path item, a
parameter, a response) is copied in place of the ref. Refs inside a copied piece are
relative to its own file, and are bundled the same way; cycles end at the component.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.spec.io import MAX_BYTES, SpecFile, escape_pointer_token, parse_spec_text, read_text

MAX_FILES = 100  # files one spec may reference, all told
_MAX_INLINE_DEPTH = 32  # refs copied in place within refs copied in place
_COMPONENT = re.compile(r"/components/([A-Za-z]+)/([^/]+)\Z")
# Keys whose value is a schema, and keys whose values (each one) are schemas.
_SCHEMA_KEYS = frozenset(
    {"schema", "items", "not", "additionalProperties", "additionalItems", "contains"}
    | {"propertyNames", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties"}
)
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "schemas"}
    | {"allOf", "anyOf", "oneOf", "prefixItems"}
)
_DATA_FILE = re.compile(r"\.(ya?ml|json)\Z", re.IGNORECASE)
_FILE_IN_TEXT = re.compile(r"\.(?:ya?ml|json)(?:#|[\"'\s,}]|\Z)", re.IGNORECASE)
_EXTERNAL_REF = re.compile(r"""["']?\$ref["']?\s*:\s*["']?(?!#)[^\s"'#]""")


def may_have_external_refs(text: str) -> bool:
    """True when ``text`` may hold a `$ref` to another file (cheap, without parsing)."""
    if _EXTERNAL_REF.search(text) is not None:
        return True
    # A discriminator's mapping may name another file's schema without any `$ref`.
    return "mapping" in text and _FILE_IN_TEXT.search(text) is not None


def bundle(spec: SpecFile) -> SpecFile:
    """``spec`` with every relative `$ref` to another file bundled in (see the module
    docstring); the same spec when it has none."""
    return bundle_with_origins(spec)[0]


def bundle_with_origins(spec: SpecFile) -> tuple[SpecFile, Origins]:
    """`bundle`, and where the bundled pieces came from (for lint, which reports a finding
    in a bundled piece at its own file and line)."""
    bundler = _Bundler(spec)
    data = bundler.walk(spec.data, bundler.main, (), 0)
    if not bundler.files:
        return spec, Origins({}, {})
    components = dict(data.get("components") or {})
    for (kind, name), value in bundler.placed.items():
        components[kind] = {**(components.get(kind) or {}), name: value}
    bundled = SpecFile(spec.path, {**data, "components": components}, spec.text)
    # Files are named as the spec is: relative to where it was named from.
    shown = {
        path: str(Path(spec.path).parent / path.relative_to(bundler.root))
        for path in bundler.sources
    }
    return bundled, Origins(bundler.origins, bundler.sources, shown)


class Origins:
    """Where each bundled piece was read: its pointer in the bundled document -> (its file,
    its pointer there)."""

    def __init__(
        self,
        places: dict[str, tuple[Path, str]],
        files: dict[Path, SpecFile],
        shown: dict[Path, str] | None = None,
    ) -> None:
        self._places = places
        self._files = files
        self._shown = shown or {}

    def locate(self, ptr: str) -> tuple[str, int, str] | None:
        """(file, line, pointer in that file) of what ``ptr`` names in the bundled
        document, when it was read from another file than the spec; else None."""
        found = max(
            (p for p in self._places if ptr == p or ptr.startswith(p + "/")), key=len, default=None
        )
        if found is None:
            return None
        file, source_ptr = self._places[found]
        inner = source_ptr + ptr[len(found) :]
        spec = self._files[file]
        probe = inner
        while probe and probe not in spec.positions:
            probe = probe.rsplit("/", 1)[0]
        line = spec.positions[probe][0] if probe in spec.positions else 1
        return self._shown.get(file, str(file)), line, inner or "/"


class _Bundler:
    def __init__(self, spec: SpecFile) -> None:
        self.spec = spec
        self.main = Path(spec.path).resolve()
        self.root = self.main.parent
        self.files: dict[Path, Any] = {}
        self.sources: dict[Path, SpecFile] = {}
        # Bundled pointer -> (file, pointer in it) of each piece read from another file.
        self.origins: dict[str, tuple[Path, str]] = {}
        self.bytes = 0
        # (file, pointer) -> the local ref it became; the components placed, in order.
        self.done: dict[tuple[Path, str], str] = {}
        self.placed: dict[tuple[str, str], Any] = {}
        existing = spec.data.get("components") if isinstance(spec.data, Mapping) else None
        self.taken = {
            (str(kind), str(name))
            for kind, section in (existing or {}).items()
            if isinstance(section, Mapping)
            for name in section
        }

    def fail(self, message: str, file: Path, keys: tuple[str, ...]) -> InputError:
        """The refusal of the `$ref` at ``keys`` of ``file``, with its pointer."""
        ptr = "".join("/" + escape_pointer_token(k) for k in (*keys, "$ref"))
        if file == self.main:
            line = self.spec.line_of(ptr)
            return InputError(message, file=self.spec.path, line=line, pointer=ptr)
        return InputError(message, file=str(file), pointer=ptr)

    def walk(self, value: Any, file: Path, keys: tuple[str, ...], depth: int) -> Any:
        """A copy of ``value`` (read from ``file`` at ``keys``) with its refs bundled."""
        if isinstance(value, list):
            items = [self.walk(v, file, (*keys, str(i)), depth) for i, v in enumerate(value)]
            return value if all(a is b for a, b in zip(items, value)) else items
        if not isinstance(value, Mapping):
            return value
        ref = value.get("$ref")
        if isinstance(ref, str) and not (file == self.main and ref.startswith("#")):
            return self.resolve(ref, value, file, keys, depth)
        copied = {k: self.walk(v, file, (*keys, str(k)), depth) for k, v in value.items()}
        if keys and keys[-1] == "discriminator" and isinstance(value.get("mapping"), Mapping):
            copied["mapping"] = self.mapping(value["mapping"], file, (*keys, "mapping"), depth)
        # Unchanged pieces are kept as they are: the spec's own parts are not copied.
        if file == self.main and all(copied[k] is v for k, v in value.items()):
            return value
        return copied

    def mapping(
        self, mapping: Mapping[str, Any], file: Path, keys: tuple[str, ...], depth: int
    ) -> Mapping[str, Any]:
        """A discriminator's mapping with its values that name another file's schema (or,
        in a file other than the spec, a `#/` schema of that file) bundled like a `$ref`
        and rewritten to the local name; schema names and the spec's own refs stay."""
        out = dict(mapping)
        for tag, target in mapping.items():
            if not isinstance(target, str) or (file == self.main and target.startswith("#")):
                continue
            if "#" not in target and "/" not in target and not _DATA_FILE.search(target):
                continue  # a schema name, as OpenAPI allows
            local = self.resolve(target, {"$ref": target}, file, (*keys, str(tag)), depth, True)
            out[tag] = local.get("$ref", target) if isinstance(local, Mapping) else target
        return out

    def resolve(
        self,
        ref: str,
        value: Mapping[str, Any],
        file: Path,
        keys: tuple[str, ...],
        depth: int,
        schema: bool = False,
    ) -> Any:
        """What the `$ref` ``ref`` at ``keys`` of ``file`` becomes here (``schema``: it
        names a schema wherever it stands, as a discriminator's mapping does)."""
        where, _, fragment = ref.partition("#")
        if "://" in where or where.startswith("//") or re.match(r"[A-Za-z][\w+.-]*:", where):
            raise self.fail(
                f"`$ref` {ref!r} is remote; only files beside the spec are read", file, keys
            )
        target_file = (file.parent / where).resolve() if where else file
        if not target_file.is_relative_to(self.root):
            raise self.fail(
                f"`$ref` {ref!r} points outside the spec's folder {str(self.root)!r}", file, keys
            )
        if target_file == self.main:
            return {**value, "$ref": "#" + fragment}  # back into the spec itself
        pointer = fragment or ""
        local = self.done.get((target_file, pointer))
        if local is not None:
            return {"$ref": local}
        target = self.target(target_file, pointer, ref, file, keys)
        if not pointer and isinstance(target, Mapping) and "openapi" in target:
            raise self.fail(
                f"`$ref` {ref!r} names a whole OpenAPI document, not a schema "
                "(add #/components/schemas/NAME)",
                file,
                keys,
            )
        place = self.placement(target_file, pointer, keys, schema)
        if place is None:
            if depth >= _MAX_INLINE_DEPTH:
                raise self.fail(
                    f"`$ref` {ref!r}: refs copied in place nest too deep (a cycle?)", file, keys
                )
            if file == self.main:  # copied in place where the spec has the ref
                self.origins["".join("/" + escape_pointer_token(k) for k in keys)] = (
                    target_file,
                    pointer,
                )
            return self.walk(target, target_file, _tokens(pointer), depth + 1)
        local = f"#/components/{place[0]}/{escape_pointer_token(place[1])}"
        self.done[(target_file, pointer)] = local
        self.taken.add(place)
        self.placed[place] = None  # reserved before its refs are followed (cycles)
        self.origins[local[1:]] = (target_file, pointer)
        self.placed[place] = self.walk(target, target_file, _tokens(pointer), 0)
        return {"$ref": local}

    def target(
        self, target_file: Path, pointer: str, ref: str, file: Path, keys: tuple[str, ...]
    ) -> Any:
        """What ``pointer`` names in ``target_file`` (read once, within the limits)."""
        if target_file not in self.files:
            if len(self.files) >= MAX_FILES:
                raise self.fail(f"the spec references more than {MAX_FILES} files", file, keys)
            if not target_file.is_file():
                raise self.fail(f"`$ref` {ref!r} names no file", file, keys)
            text = read_text(target_file)
            self.bytes += len(text)
            if self.bytes > MAX_BYTES:
                raise self.fail(
                    f"the files the spec references pass {MAX_BYTES // 2**20} MiB", file, keys
                )
            self.sources[target_file] = parse_spec_text(text, str(target_file))
            self.files[target_file] = self.sources[target_file].data
        value = self.files[target_file]
        for token in _tokens(pointer):
            if isinstance(value, Mapping) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                raise self.fail(f"`$ref` {ref!r} names nothing in its file", file, keys)
        return value

    def placement(
        self, target_file: Path, pointer: str, keys: tuple[str, ...], schema: bool = False
    ) -> tuple[str, str] | None:
        """Where a referenced piece goes: (components kind, free name), or None to copy it
        in place of the ref."""
        match = _COMPONENT.search(pointer)
        if match is not None:
            kind, name = match.group(1), _tokens("/" + match.group(2))[0]
        elif schema or _is_schema_place(keys):
            kind = "schemas"
            name = _tokens(pointer)[-1] if pointer.strip("/") else target_file.stem
        else:
            return None
        candidate, n = name, 1
        while (kind, candidate) in self.taken:
            n += 1
            candidate = f"{name}{n}"
        return kind, candidate


def _tokens(pointer: str) -> tuple[str, ...]:
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:])


def _is_schema_place(keys: tuple[str, ...]) -> bool:
    """Whether the value at ``keys`` is a schema (judged by the keys above it)."""
    if keys and keys[-1] in _SCHEMA_KEYS:
        return True
    return len(keys) >= 2 and keys[-2] in _SCHEMA_MAPS
