"""Tidy a OneDrive folder: find the draft, rename it, catch up on changes, check three
items in one batch, keep a local copy, publish notes and a large log."""

from pathlib import Path

from graph_sdk import Client, DriveItem

CHUNK = 327_680  # upload sessions take chunks in multiples of 320 KiB


def tidy_folder(
    client: Client, drive_id: str, folder_id: str, workdir: Path, saved_delta: str | None = None
) -> dict[str, object]:
    """Run every step on the folder; return what each step saw."""
    # 1. List with a filter: the folder's children named draft.txt.
    drafts = list(
        client.list_children_of_drive_item(drive_id, folder_id, filter="name eq 'draft.txt'")
    )
    draft_id = str(drafts[0].id)

    # 2. Partial update: only `name` is sent; the answer has the ETag of the new version.
    renamed = client.with_response.update_drive_item_properties(
        drive_id, draft_id, DriveItem(name="final.txt")
    )

    # 3. Delta: read a round to its end and save its link; later, resume from the link.
    changes = client.delta_drive_item(drive_id, delta_link=saved_delta)
    changed = [item.name for item in changes]
    saved_delta = changes.delta_link
    since = client.delta_drive_item(drive_id, delta_link=saved_delta)
    changed_since = [item.name for item in since]

    # 4. A batch of three: two reads, and a partial update that waits for the first read.
    with client.batch() as batch:
        folder = batch.add(Client.get_drive_item_resource, drive_id, folder_id)
        draft = batch.add(Client.get_drive_item_resource, drive_id, draft_id)
        batch.after(folder).add(
            Client.update_drive_item_properties, drive_id, draft_id, DriveItem(description="tidied")
        )

    # 5. Download the file (the client follows the redirect without the token) ...
    local = workdir / "final.txt"
    local.write_bytes(client.get_download_contents_of_drive_item(drive_id, draft_id))

    # 6. ... and upload notes beside it, streamed from the file.
    notes = workdir / "notes.txt"
    notes.write_text("tidied by the example app\n")
    uploaded = client.replace_upload_or_replace_contents_of_drive_item_alt(
        drive_id, folder_id, "notes.txt", notes, content_type="text/plain"
    )

    # 7. A large file goes through an upload session, in chunks, with progress.
    log = workdir / "big.log"
    log.write_bytes(b"log line\n" * 80_000)  # 720,000 bytes: three chunks
    session = client.create_upload_session_drive_item_for_drive(
        drive_id, draft_id, {"item": {"name": "big.log"}}
    )
    progress: list[int] = []
    big = client.upload_large_file(
        session, log, chunk_size=CHUNK, on_progress=lambda done, total: progress.append(done)
    )
    return {
        "drafts": [item.name for item in drafts],
        "renamed": (renamed.status_code, renamed.etag),
        "changed": changed,
        "delta_link": saved_delta,
        "changed_since": changed_since,
        "batch": (folder.result().name, draft.status, draft.result().name),
        "downloaded": local.read_bytes(),
        "uploaded": uploaded.name,
        "progress": progress,
        "big": big.name if big is not None else None,
    }
