"""Downloads, uploads and upload sessions of an SDK built from Graph's own driveItem pages,
checked on real servers on 127.0.0.1.

The spec is built from the corpus pages (download content, upload content, create an upload
session, get an item, and the uploadSession and driveItem resources), the SDK generated from
it and imported. Each test reads back what the servers received: the 302 to a download URL
is followed without credentials unless it stays on the API's origin, a binary body goes as
bytes, a file or a path with its media type, and an upload session gets its chunks with
`Content-Range`, never a token, resuming after a failure.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import imported_sdk
from support.http_server import ScriptedServer, redirect, reply, reset, serve_two_origins

from generator.pipeline import spec_text_from_pages
from generator.sdk.load import load_api
from generator.spec.io import parse_spec_text

CORPUS = Path(__file__).parent / "corpus" / "graph-docs"
API = CORPUS / "api-reference" / "v1.0" / "api"
RESOURCES = CORPUS / "api-reference" / "v1.0" / "resources"
PAGES = [
    API / "driveitem-get-content.md",
    API / "driveitem-put-content.md",
    API / "driveitem-createuploadsession.md",
    API / "driveitem-get.md",
    RESOURCES / "uploadsession.md",
    RESOURCES / "driveitem.md",
]
TOKEN = "tok-71f3-SECRET"
UNIT = 327_680
ITEM = {"id": "01ABC", "name": "big.bin", "size": 3_000_000}


@pytest.fixture(scope="module")
def spec_text() -> str:
    return spec_text_from_pages(PAGES, pages_root=CORPUS)


@pytest.fixture(scope="module")
def files(spec_text: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The SDK apigen generates from the driveItem pages, imported as `files_sdk`."""
    with imported_sdk(
        spec_text, "drive.yaml", "files_sdk", tmp_path_factory.mktemp("files")
    ) as sdk:
        yield sdk


def _client(files: Any, server: ScriptedServer, **options: Any) -> Any:
    options.setdefault("retry", files.RetryPolicy(backoff=0.01, backoff_max=0.02))
    return files.Client(server.url + "/v1.0", token=TOKEN, timeout=5.0, **options)


def _async_client(files: Any, server: ScriptedServer, **options: Any) -> Any:
    options.setdefault("retry", files.RetryPolicy(backoff=0.01, backoff_max=0.02))
    return files.AsyncClient(server.url + "/v1.0", token=TOKEN, timeout=5.0, **options)


def test_a_stream_read_answers_bytes_and_an_upload_takes_bytes(spec_text: str) -> None:
    spec = yaml.safe_load(spec_text)
    read = spec["paths"]["/me/drive/items/{itemId}/content"]["get"]["responses"]
    # The page documents only the 302; the bytes it leads to are the operation's answer.
    assert read["200"]["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
    assert "Location" in read["302"]["headers"]
    api = load_api(parse_spec_text(spec_text, "drive.yaml"), validate=False)
    ops = {(op.method, op.path): op for op in api.operations}
    download = ops[("GET", "/me/drive/items/{itemId}/content")]
    assert download.success is not None and download.success.encoding == "binary"
    # The page sends the file as text/plain, but its schema says binary: bytes, not str.
    upload = ops[("PUT", "/me/drive/items/{itemId}/content")].request_body
    assert upload is not None and upload.encoding == "binary"
    assert upload.content_type == "text/plain"


def test_a_download_follows_the_302_without_any_credential(files: Any) -> None:
    blob = bytes(range(256)) * 40
    with serve_two_origins() as (api, store):
        api.script(redirect(f"{store.url}/dl/abc?sig=1"))
        store.script(reply(200, blob, headers={"Content-Type": "application/octet-stream"}))
        with _client(files, api, headers={"Authorization": "Bearer other", "X-App": "a"}) as c:
            answer = c.get_download_contents_of_drive_item("d1", "i1")
        (first,) = api.requests
        (second,) = store.requests
    assert answer == blob
    assert first.url_path == "/v1.0/drives/d1/items/i1/content"
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert first.headers["Accept"] == "application/octet-stream"
    assert second.path == "/dl/abc?sig=1" and second.headers["X-App"] == "a"
    assert "Authorization" not in second.headers and "Cookie" not in second.headers
    assert TOKEN not in repr(second.headers) and "other" not in repr(second.headers)


def test_a_redirect_on_the_apis_own_origin_keeps_the_token(
    files: Any, http_server: ScriptedServer
) -> None:
    http_server.script(redirect(f"{http_server.url}/v1.0/blobs/abc"), reply(200, b"same"))
    with _client(files, http_server) as client:
        assert client.get_download_contents_of_drive_item_for_me("i1") == b"same"
    first, second = http_server.requests
    assert second.path == "/v1.0/blobs/abc"
    assert [r.headers["Authorization"] for r in (first, second)] == [f"Bearer {TOKEN}"] * 2


def test_a_download_streams_sync_and_async(files: Any) -> None:
    blob = b"0123456789" * 20_000
    with serve_two_origins() as (api, store):
        api.script(redirect(f"{store.url}/dl/1"), redirect(f"{store.url}/dl/2"))
        store.script(reply(200, blob), reply(200, blob))
        read = files.Client.get_download_contents_of_drive_item
        with _client(files, api) as client, client.stream(read, "d", "i") as r:
            assert r.status_code == 200
            pieces = list(r.iter_bytes(4096))

        async def run() -> bytes:
            async with (
                _async_client(files, api) as client,
                client.stream(files.AsyncClient.get_download_contents_of_drive_item, "d", "i") as r,
            ):
                return b"".join([chunk async for chunk in r.aiter_bytes()])

        streamed = asyncio.run(run())
        assert all("Authorization" not in r.headers for r in store.requests)
    assert b"".join(pieces) == blob and len(pieces) > 1
    assert streamed == blob


class _Recording(io.BytesIO):
    """A binary file that records how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int | None] = []

    def read(self, size: int | None = -1, /) -> bytes:
        self.asked.append(size)
        return super().read(size)


def test_an_upload_takes_bytes_a_file_or_a_path_with_its_media_type(
    files: Any, http_server: ScriptedServer, tmp_path: Path
) -> None:
    data = bytes(range(256)) * 1024  # 256 KiB
    path = tmp_path / "photo.png"
    path.write_bytes(data)
    file = _Recording(b"skip" + data)
    file.seek(4)  # sent from where the file stands
    http_server.script(*[reply(201, json={"id": "1", "name": "f"}) for _ in range(4)])
    put = "replace_upload_or_replace_contents_of_drive_item_for_me"
    with _client(files, http_server) as client:
        item = getattr(client, put)("i1", b"hello")
        getattr(client, put)("i1", file, content_type="image/png")
        getattr(client, put)("i1", path, content_type="image/png")
        getattr(client, put)("i1", b"x", headers={"Content-Type": "application/pdf"})
    as_bytes, as_file, as_path, typed = http_server.requests
    assert isinstance(item, files.DriveItem) and item.id == "1"
    assert as_bytes.body == b"hello" and as_bytes.headers["Content-Type"] == "text/plain"
    for request in (as_file, as_path):
        assert request.body == data and request.headers["Content-Type"] == "image/png"
        assert request.headers["Content-Length"] == str(len(data))
        assert "Transfer-Encoding" not in request.headers
    # Streamed: read in bounded pieces, never whole.
    assert file.asked and all(n is not None and 0 < n <= 64 * 1024 for n in file.asked)
    assert typed.headers["Content-Type"] == "application/pdf"
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in http_server.requests)


def test_a_file_body_is_sent_again_whole_on_a_retry(
    files: Any, http_server: ScriptedServer, tmp_path: Path
) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(b"contents " * 1000)
    http_server.script(
        reply(503, headers={"Retry-After": "0"}),
        reply(201, json={"id": "2"}),
        reply(503, headers={"Retry-After": "0"}),
        reply(201, json={"id": "3"}),
    )
    with _client(files, http_server) as client:
        client.replace_upload_or_replace_contents_of_drive_item_for_me("i", path)
        with path.open("rb") as handle:
            client.replace_upload_or_replace_contents_of_drive_item_for_me("i", handle)
    assert [r.body for r in http_server.requests] == [path.read_bytes()] * 4


class _Pipe(io.RawIOBase):
    """A binary stream that cannot seek, like a pipe or a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_file_that_cannot_seek_is_sent_once_in_chunked_encoding(
    files: Any, http_server: ScriptedServer
) -> None:
    http_server.script(reply(201, json={"id": "4"}), reply(503, headers={"Retry-After": "0"}))
    put = files.Client.replace_upload_or_replace_contents_of_drive_item_for_me
    with _client(files, http_server) as client:
        put(client, "i", _Pipe(b"piped " * 100))
        with pytest.raises(files.TransportError, match="cannot seek is sent once"):
            put(client, "i", _Pipe(b"again"))
    sent, refused = http_server.requests
    assert sent.body == b"piped " * 100 and sent.headers["Transfer-Encoding"] == "chunked"
    assert refused.body == b"again"


def test_a_body_that_is_not_bytes_is_refused_before_sending(
    files: Any, http_server: ScriptedServer, tmp_path: Path
) -> None:
    with _client(files, http_server) as client:
        with pytest.raises(TypeError, match="pathlib.Path"):
            client.replace_upload_or_replace_contents_of_drive_item_for_me("i", "a/path.txt")
        with (tmp_path / "t.txt").open("w+") as text:
            text.write("words")
            text.seek(0)
            with pytest.raises(TypeError, match="binary mode"):
                client.replace_upload_or_replace_contents_of_drive_item_for_me("i", text)
    assert http_server.requests == ()


def _session_script(upload_url: str, cuts: list[int], total: int) -> list[Any]:
    """202s expecting each cut in turn, then the created item."""
    return [reply(202, json={"nextExpectedRanges": [f"{cut}-"]}) for cut in cuts] + [
        reply(201, json={**ITEM, "size": total})
    ]


def _assembled(requests: tuple[Any, ...], total: int) -> bytes:
    """The file as the session received it, checking each chunk's Content-Range."""
    out = bytearray(total)
    for request in requests:
        if request.method != "PUT":
            continue
        spec = request.headers["Content-Range"]
        first, last, size = (
            int(x) for x in spec.removeprefix("bytes ").replace("/", "-").split("-")
        )
        assert size == total and last - first + 1 == len(request.body), spec
        assert request.headers["Content-Length"] == str(len(request.body))
        out[first : last + 1] = request.body
    return bytes(out)


def test_an_upload_session_resumes_after_a_failed_chunk(
    files: Any, http_server: ScriptedServer
) -> None:
    total = 3_000_000
    data = bytes((i * 7) % 251 for i in range(total))
    chunk = 3 * UNIT
    upload_url = f"{http_server.url}/up/s1?sig=x"  # same origin: still no token there
    http_server.script(
        reply(200, json={"uploadUrl": upload_url, "nextExpectedRanges": ["0-"]}),
        reply(202, json={"nextExpectedRanges": [f"{chunk}-"]}),
        reset(),  # the second chunk is lost
        reply(200, json={"nextExpectedRanges": [f"{chunk}-"]}),  # GET: where to go on
        *_session_script(upload_url, [2 * chunk, 3 * chunk], total),
    )
    progress: list[tuple[int, int]] = []
    with _client(files, http_server) as client:
        session = client.create_upload_session_drive_item_alt("i1", {"item": {"name": "big"}})
        item = client.upload_large_file(
            session,
            data,
            chunk_size=chunk,
            on_progress=lambda done, of: progress.append((done, of)),
        )
    create, *uploads = http_server.requests
    assert create.headers["Authorization"] == f"Bearer {TOKEN}"
    assert [r.method for r in uploads] == ["PUT", "PUT", "GET", "PUT", "PUT", "PUT"]
    assert all(r.path == "/up/s1?sig=x" for r in uploads)
    assert all("Authorization" not in r.headers for r in uploads)
    assert [r.headers.get("Content-Range") for r in uploads if r.method == "PUT"] == [
        f"bytes 0-{chunk - 1}/{total}",
        f"bytes {chunk}-{2 * chunk - 1}/{total}",
        f"bytes {chunk}-{2 * chunk - 1}/{total}",
        f"bytes {2 * chunk}-{3 * chunk - 1}/{total}",
        f"bytes {3 * chunk}-{total - 1}/{total}",
    ]
    assert _assembled(tuple(uploads), total) == data
    assert progress == [(chunk, total), (2 * chunk, total), (3 * chunk, total), (total, total)]
    assert isinstance(item, files.DriveItem) and item.id == "01ABC" and item.size == total


def test_a_failed_upload_resumes_from_the_session_url(
    files: Any, http_server: ScriptedServer, tmp_path: Path
) -> None:
    total = 2 * UNIT + 1000
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(i % 256 for i in range(total)))
    upload_url = f"{http_server.url}/up/s2"
    http_server.script(
        reply(202, json={"nextExpectedRanges": [f"{UNIT}-"]}),
        reply(500, json={"error": {"code": "generalException", "message": "boom"}}),
    )
    once = files.RetryPolicy(max_attempts=1)
    with _client(files, http_server, retry=once) as client, pytest.raises(files.ServerError):
        client.upload_large_file(
            {"uploadUrl": upload_url, "nextExpectedRanges": ["0-"]}, path, chunk_size=UNIT
        )
    failed = len(http_server.requests)
    http_server.script(
        reply(200, json={"nextExpectedRanges": [f"{UNIT}-{total - 1}"]}),
        *_session_script(upload_url, [2 * UNIT], total),
    )
    with _client(files, http_server, retry=once) as client:
        item = client.upload_large_file(upload_url, path, chunk_size=UNIT)  # resume
    resumed = http_server.requests[failed:]
    assert [r.method for r in resumed] == ["GET", "PUT", "PUT"]
    assert resumed[1].headers["Content-Range"] == f"bytes {UNIT}-{2 * UNIT - 1}/{total}"
    assert _assembled(http_server.requests, total) == path.read_bytes()
    assert item is not None and item.name == "big.bin"


def test_an_upload_session_async_with_a_throttled_chunk(
    files: Any, http_server: ScriptedServer
) -> None:
    total = UNIT + 10
    data = b"a" * total
    upload_url = f"{http_server.url}/up/s3"
    http_server.script(
        reply(429, headers={"Retry-After": "0"}),
        reply(202, json={"nextExpectedRanges": [f"{UNIT}"]}),  # Outlook's form: a start alone
        reply(201, json={**ITEM, "size": total}),
    )
    progress: list[int] = []

    async def run() -> Any:
        async with _async_client(files, http_server) as client:
            return await client.upload_large_file(
                {"uploadUrl": upload_url, "nextExpectedRanges": ["0-"]},
                io.BytesIO(data),
                chunk_size=UNIT,
                on_progress=lambda done, _: progress.append(done),
            )

    item = asyncio.run(run())
    assert isinstance(item, files.DriveItem) and item.size == total
    assert progress == [UNIT, total]
    assert _assembled(http_server.requests, total) == data
    assert all("Authorization" not in r.headers for r in http_server.requests)


@pytest.mark.parametrize("size", [0, 1000, UNIT + 1, 193 * UNIT, -UNIT])
def test_a_chunk_size_not_a_multiple_of_320_kib_is_refused(
    files: Any, http_server: ScriptedServer, size: int
) -> None:
    refused = pytest.raises(ValueError, match="multiple of 320 KiB")
    with _client(files, http_server) as client, refused:
        client.upload_large_file(f"{http_server.url}/up", b"data", chunk_size=size)
    assert http_server.requests == ()


def test_the_files_sdk_passes_mypy_strict_and_ruff(files: Any) -> None:
    import subprocess

    from mypy import api as mypy_api

    folder = Path(str(files.__file__)).parent
    use = folder.parent / "use_files.py"
    use.write_text(
        "from pathlib import Path\n\n"
        "from files_sdk import Client, DriveItem\n\n\n"
        "def roundtrip(client: Client, path: Path) -> bytes:\n"
        "    client.replace_upload_or_replace_contents_of_drive_item_for_me(\n"
        "        'i', path, content_type='image/png'\n"
        "    )\n"
        "    item: DriveItem | None = client.upload_large_file('https://u', path.read_bytes())\n"
        "    print(item)\n"
        "    return client.get_download_contents_of_drive_item_for_me('i')\n"
    )
    out, err, status = mypy_api.run(["--strict", "--no-incremental", str(folder), str(use)])
    assert status == 0, out + err
    ruff = [sys.executable, "-m", "ruff"]
    for args in (["check", str(folder)], ["format", "--check", str(folder)]):
        done = subprocess.run(
            [*ruff, *args], capture_output=True, text=True, cwd=folder.parent, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
