"""Link following: a user names the API pages; the resource pages their types link are read
from the docs tree (`--pages-root`), transitively and once, and never from outside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import run_cli

from generator import api
from generator.config import parse_config
from generator.errors import InputError
from generator.pages.links import follow_links
from generator.pages.parse import parse_page
from generator.pages.typemodel import BuildDiagnostic
from generator.pipeline import spec_from_pages


@dataclass(frozen=True)
class Built:
    spec: dict[str, Any]
    diagnostics: tuple[BuildDiagnostic, ...]


def build_pages(pages: list[Path], pages_root: Path | None = None) -> Built:
    """The spec `apigen spec` writes for these pages, as data, with its warnings."""
    result = spec_from_pages(pages, None, pages_root)
    return Built(yaml.safe_load(result.text), result.warnings)


REF = "#/components/schemas/microsoft.graph."

API_PAGE = """---
doc_type: apiPageType
---
# Get plannerTask

Namespace: microsoft.graph

Retrieve a task.

## HTTP request

```http
GET /planner/tasks/{id}
```

## Response

If successful, this method returns a `200 OK` response code and a [plannerTask](../resources/plannertask.md) object in the response body.
"""

TASK_PAGE = """---
doc_type: resourcePageType
---
# plannerTask resource type

Namespace: microsoft.graph

Inherits from [entity](entity.md).

## Properties

| Property | Type | Description |
|:---|:---|:---|
| assignments | [plannerassignments](plannerAssignments.md) | The assignees. |
| audio | [audio][] | A recording. |
| start | [DateTimeTimeZone][dttz] | When it starts. |
| id | String | The identifier. Inherited from [entity](entity.md). |

[audio]: audio.md
[dttz]: datetimetimezone.md
"""


def resource(name: str, props: str = "| title | String | A title. |") -> str:
    return f"""---
doc_type: resourcePageType
---
# {name} resource type

Namespace: microsoft.graph

A {name}.

## Properties

| Property | Type | Description |
|:---|:---|:---|
{props}
"""


def tree(tmp: Path) -> Path:
    """A small docs tree: api/ and resources/, the task page linking three more types."""
    (tmp / "api").mkdir(parents=True)
    (tmp / "resources").mkdir()
    (tmp / "api" / "plannertask-get.md").write_text(API_PAGE)
    (tmp / "resources" / "plannertask.md").write_text(TASK_PAGE)
    (tmp / "resources" / "plannerassignments.md").write_text(resource("plannerAssignments"))
    (tmp / "resources" / "audio.md").write_text(
        resource("audio", "| file | [driveFile](drivefile.md) | The file. |")
    )
    (tmp / "resources" / "drivefile.md").write_text(resource("driveFile"))
    (tmp / "resources" / "datetimetimezone.md").write_text(
        resource("dateTimeTimeZone", "| timeZone | String | The zone. |")
    )
    return tmp


def test_the_named_api_page_brings_every_type_its_links_reach(tmp_path: Path) -> None:
    root = tree(tmp_path)
    spec = api.spec([root / "api" / "plannertask-get.md"], pages_root=root)
    schemas = spec["components"]["schemas"]
    for name in ("plannerTask", "plannerAssignments", "audio", "driveFile", "dateTimeTimeZone"):
        assert schemas[f"microsoft.graph.{name}"], name
    task = schemas["microsoft.graph.plannerTask"]
    assert task["allOf"][0] == {"$ref": REF + "entity"}
    props = task["allOf"][1]["properties"]
    # The schema name is the target page's (plannerAssignments), not the link text's casing.
    assert REF + "plannerAssignments" in str(props["assignments"])
    assert REF + "dateTimeTimeZone" in str(props["start"])
    assert "title" in schemas["microsoft.graph.plannerAssignments"]["properties"]
    assert "file" in schemas["microsoft.graph.audio"]["properties"]  # followed transitively


def test_each_page_is_read_once_and_cycles_end(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / "resources" / "drivefile.md").write_text(
        resource("driveFile", "| task | [plannerTask](plannertask.md) | Back to the task. |")
    )
    page = parse_page(root / "api" / "plannertask-get.md")
    followed = follow_links([page], root)
    names = sorted(Path(p.source).name for p in followed.pages)
    assert names == sorted(
        [
            "plannertask.md",
            "plannerassignments.md",
            "audio.md",
            "drivefile.md",
            "datetimetimezone.md",
        ]
    )


def test_the_target_page_names_the_schema_however_the_link_text_is_cased(tmp_path: Path) -> None:
    root = tree(tmp_path)
    # The links say "plannerassignments" and "DateTimeTimeZone"; the pages name the types.
    named = [root / "resources" / "plannertask.md", root / "resources" / "plannerassignments.md"]
    given = set(api.spec(named)["components"]["schemas"])
    followed = set(api.spec(named[:1], pages_root=root)["components"]["schemas"])
    for schemas in (given, followed):
        assert "microsoft.graph.plannerAssignments" in schemas
        assert "microsoft.graph.plannerassignments" not in schemas
    assert "microsoft.graph.dateTimeTimeZone" in followed
    assert "microsoft.graph.DateTimeTimeZone" not in followed


def test_without_the_tree_an_unresolved_type_is_a_located_diagnostic(tmp_path: Path) -> None:
    root = tree(tmp_path)
    result = build_pages([root / "resources" / "plannertask.md"])
    stub = [d for d in result.diagnostics if d.code == "type-stub"]
    found = {d.message.split()[1]: d for d in stub}
    assert "microsoft.graph.audio" in found
    d = found["microsoft.graph.audio"]
    assert d.source.endswith("plannertask.md") and d.line == 15  # the audio row
    assert "pass --pages-root or the resource page" in d.message
    # The spec still holds the type, so it stays valid.
    assert "microsoft.graph.audio" in result.spec["components"]["schemas"]


def test_links_never_leave_the_pages_root(tmp_path: Path) -> None:
    root = tree(tmp_path / "docs")
    (tmp_path / "secret.md").write_text(resource("secret"))
    (root / "resources" / "audio.md").write_text(
        resource("audio", "| s | [secret](../../secret.md) | Outside. |")
    )
    result = build_pages([root / "api" / "plannertask-get.md"], pages_root=root)
    secret = result.spec["components"]["schemas"]["microsoft.graph.secret"]
    assert secret == {"type": "object", "properties": {}}  # a stub: the page was not read
    outside = [d for d in result.diagnostics if d.code == "link-outside-root"]
    assert outside and outside[0].source.endswith("audio.md")


def test_a_linked_api_page_is_not_built(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / "resources" / "audio.md").write_text(
        resource("audio", "| op | [get](../api/plannertask-get.md) | An API page. |")
    )
    result = build_pages([root / "resources" / "plannertask.md"], pages_root=root)
    assert result.spec["paths"] == {}


def test_a_pages_root_that_is_no_folder_is_bad_input(tmp_path: Path) -> None:
    root = tree(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        build_pages([root / "api" / "plannertask-get.md"], pages_root=root / "nowhere")


def test_the_command_line_and_the_config_take_the_pages_root(tmp_path: Path) -> None:
    root = tree(tmp_path / "docs")
    out = tmp_path / "spec.yaml"
    done = run_cli(
        "spec", str(root / "api" / "plannertask-get.md"), "-o", str(out), "--pages-root", str(root)
    )
    assert done.returncode == 0, done.stderr
    schemas = yaml.safe_load(out.read_text())["components"]["schemas"]
    assert schemas["microsoft.graph.driveFile"]["properties"]
    config = parse_config(
        {"build": [{"name": "x", "pages": ["docs/api"], "pages_root": "docs", "spec": "s.yaml",
                    "output": "out", "package": "x_sdk"}]},
        "apigen.toml",
        tmp_path,
    )  # fmt: skip
    assert config.builds[0].pages_root == tmp_path / "docs"


def test_a_link_to_a_renamed_page_finds_the_page_named_for_the_type(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / "resources" / "audio.md").write_text(
        resource("audio", "| part | [OnenoteSection](section.md) | Old link name. |")
    )
    (root / "resources" / "onenotesection.md").write_text(resource("onenoteSection"))
    spec = api.spec([root / "api" / "plannertask-get.md"], pages_root=root)
    section = spec["components"]["schemas"]["microsoft.graph.onenoteSection"]
    assert section["properties"]["title"] == {
        "type": "string",
        "nullable": True,
        "description": "A title.",
    }
