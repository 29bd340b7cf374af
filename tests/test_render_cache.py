"""generator.sdk.render_cache: a template's output is reused only when everything it reads is
the same, and a reused output is what a fresh render gives."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest
from helpers import ROOT

from generator.cache import Cache
from generator.sdk import ir, render
from generator.sdk.escape import Code
from generator.sdk.load import load_api
from generator.sdk.render import PackageInfo, environment, render_package
from generator.sdk.render_cache import API_SCALARS, RenderCache, template_reads
from generator.spec.io import read_spec

INFO = PackageInfo("pkg", "pkg", "1.0.0")
CLIENT = "pkg/client.py"
MODELS = "pkg/models/"  # each class's module


class _Recording(Cache):
    """A cache that records which keys it was asked for and which of them it had."""

    def __init__(self, root: Path) -> None:
        super().__init__("render", root)
        self.hits = 0
        self.asked = 0

    def get(self, digest: str) -> str | None:
        self.asked += 1
        found = super().get(digest)
        self.hits += found is not None
        return found


def _api(name: str = "specs/seed.yaml") -> ir.Api:
    return load_api(read_spec(ROOT / name), validate=False)


def _fresh(api: ir.Api, overrides: Path | None = None) -> dict[str, str]:
    return render_package(api, INFO, overrides, Cache("render", None))


@pytest.fixture(autouse=True)
def _no_default_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # `_fresh` renders with no cache at all: Cache(..., None) falls back to the default.
    monkeypatch.setenv("APIGEN_NO_CACHE", "1")


def test_the_ir_and_the_views_show_every_field_in_their_repr() -> None:
    # The cache's key is the `repr` of what a template reads: a field left out of a
    # dataclass's repr would be a field whose change the cache does not see.
    classes = [
        c
        for module in (ir, render)
        for _, c in inspect.getmembers(module, dataclasses.is_dataclass)
        if isinstance(c, type) and c.__module__ == module.__name__
    ]
    assert {"Operation", "Model", "OperationView", "ModelView", "PackageInfo"} <= {
        c.__name__ for c in classes
    }
    for cls in classes:
        assert cls.__dataclass_params__.repr, cls  # type: ignore[attr-defined]
        assert "__repr__" in cls.__dict__, cls  # the dataclass's own, not a custom one
        assert all(f.repr for f in dataclasses.fields(cls)), cls
    assert Code.__repr__ is str.__repr__


def test_cold_warm_and_uncached_renders_are_the_same(tmp_path: Path) -> None:
    for spec in ("specs/seed.yaml", "tests/golden/edge/spec.yaml"):
        api = _api(spec)
        cache = _Recording(tmp_path / spec.replace("/", "_"))
        cold = render_package(api, INFO, None, cache)
        assert cache.hits == 0 and cache.asked > 0
        warm = render_package(api, INFO, None, cache)
        assert cache.hits == cache.asked / 2  # every cached template came from the cache
        assert cold == warm == _fresh(api)


def test_a_schema_description_edit_reuses_the_client(tmp_path: Path) -> None:
    api = _api()
    cache = _Recording(tmp_path)
    before = render_package(api, INFO, None, cache)
    model = api.models[0]
    edited = dataclasses.replace(
        api,
        models=(dataclasses.replace(model, description="Edited words."), *api.models[1:]),
    )
    cache.hits = 0
    after = render_package(edited, INFO, None, cache)
    assert cache.hits >= 1  # the client (and the package files that read no schema)
    assert after[CLIENT] == before[CLIENT]
    edited_modules = [n for n, text in after.items() if n.startswith(MODELS) and "Edited words." in text]
    assert len(edited_modules) == 1 and after == _fresh(edited)


def test_an_operation_edit_renders_the_client_again(tmp_path: Path) -> None:
    api = _api()
    cache = Cache("render", tmp_path)
    render_package(api, INFO, None, cache)
    op = api.operations[0]
    edited = dataclasses.replace(
        api,
        operations=(dataclasses.replace(op, description="Other words."), *api.operations[1:]),
    )
    after = render_package(edited, INFO, None, cache)
    assert "Other words." in after[CLIENT] and after == _fresh(edited)


def test_a_package_info_or_api_title_change_renders_anew(tmp_path: Path) -> None:
    api = _api()
    cache = Cache("render", tmp_path)
    render_package(api, INFO, None, cache)
    retitled = dataclasses.replace(api, title="Another title")
    assert render_package(retitled, INFO, None, cache) == _fresh(retitled)
    other = PackageInfo("other", "other-dist", "2.0.0")
    assert render_package(api, other, None, cache) == render_package(
        api, other, None, Cache("render", None)
    )


def test_an_override_template_is_part_of_the_key(tmp_path: Path) -> None:
    api = _api()
    cache = Cache("render", tmp_path / "cache")
    overrides = tmp_path / "templates"
    partial = overrides / "partials" / "operation.py.j2"
    partial.parent.mkdir(parents=True)
    original = (render.bundled_templates() / "partials" / "operation.py.j2").read_text()
    partial.write_text(original, encoding="utf-8")
    first = render_package(api, INFO, overrides, cache)
    marked = original.replace("{% if view.op.deprecated %}", "(marked){% if view.op.deprecated %}")
    assert marked != original
    partial.write_text(marked, encoding="utf-8")
    second = render_package(api, INFO, overrides, cache)
    assert "(marked)" in second[CLIENT] and "(marked)" not in first[CLIENT]
    assert second == _fresh(api, overrides)


def test_what_templates_read() -> None:
    env = environment()
    client = template_reads(env, "package/__package__/client.py.j2")
    assert client is not None
    assert "operations" in client.names and "models" not in client.names
    assert client.api_attributes is not None and client.api_attributes <= API_SCALARS
    partial = (render.bundled_templates() / "partials" / "operation.py.j2").read_text()
    assert partial in client.sources  # the included partial is part of the client's key
    per_class = template_reads(env, "package/__package__/models/__model__.py.j2")
    assert per_class is not None and "module" in per_class.names and "models" not in per_class.names


@pytest.mark.parametrize(
    ("source", "attributes"),
    [
        ("{{ api.title }} {{ api.version }}", {"title", "version"}),
        ("{% for m in api.models %}{{ m.name }}{% endfor %}", None),
        ("{{ api | attr('title') }}", None),
        ("{% set a = api %}{{ a.title }}", None),
        ("{{ api.model('x') }}", None),
    ],
)
def test_only_scalar_attributes_of_api_keep_a_template_cacheable(
    tmp_path: Path, source: str, attributes: set[str] | None
) -> None:
    (tmp_path / "t.j2").write_text(source, encoding="utf-8")
    reads = template_reads(environment(tmp_path), "t.j2")
    assert reads is not None
    assert reads.api_attributes == (None if attributes is None else frozenset(attributes))


def test_a_template_pulled_in_by_a_computed_name_is_not_cached(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("{% include package ~ '.j2' %}", encoding="utf-8")
    assert template_reads(environment(tmp_path), "t.j2") is None


@pytest.mark.parametrize(
    "name",
    ["package/__package__/validators.py.j2", "package/README.md.j2"],
)
def test_a_template_that_reads_every_model_has_no_key(tmp_path: Path, name: str) -> None:
    # Rendered every time: a schema's documentation edit changes `models` anyway.
    assert RenderCache(environment(), {}, Cache("render", tmp_path))._key(name) is None
