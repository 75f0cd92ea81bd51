"""Turning request bodies into stored message parts: embeds, components, attachments, flags."""

from __future__ import annotations

import copy
import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import errors
from .models import Attachment, MessageFlags
from .snowflakes import SnowflakeGenerator

# Flags a sender may set; Discord ignores the rest (they are set by Discord itself).
CREATE_FLAGS = MessageFlags.SUPPRESS_EMBEDS | MessageFlags.SUPPRESS_NOTIFICATIONS | MessageFlags.IS_COMPONENTS_V2
INTERACTION_FLAGS = CREATE_FLAGS | MessageFlags.EPHEMERAL


@dataclass
class UploadedFile:
    """One multipart file part (`files[n]`)."""

    index: int
    filename: str
    data: bytes


def strip_nulls(value: Any) -> Any:
    """Discord drops null fields from what it stores and echoes back."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def normalise_embeds(embeds: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    result = []
    for embed in embeds or []:
        stored = strip_nulls(copy.deepcopy(embed))
        stored.setdefault("type", "rich")
        for embed_field in stored.get("fields", []):
            embed_field.setdefault("inline", False)
        result.append(stored)
    return result


def _children(component: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from component.get("components", [])
    for key in ("component", "accessory"):
        if isinstance(component.get(key), dict):
            yield component[key]


def _walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(list(_children(component)))


def normalise_components(components: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Store components as Discord echoes them: nulls dropped, every component numbered with an `id`."""
    stored: list[dict[str, Any]] = strip_nulls(copy.deepcopy(components or []))
    used = {c["id"] for c in _walk(stored) if isinstance(c.get("id"), int)}
    next_id = 1
    for component in _walk(stored):
        if not isinstance(component.get("id"), int):
            while next_id in used:
                next_id += 1
            component["id"] = next_id
            used.add(next_id)
    return stored


def find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    return next((c for c in _walk(components) if c.get("custom_id") == custom_id), None)


def sanitise_flags(flags: int | None, *, allowed: int) -> int:
    return (flags or 0) & allowed


def build_attachments(
    ids: SnowflakeGenerator,
    described: list[dict[str, Any]] | None,
    files: list[UploadedFile],
    *,
    existing: list[Attachment] | None = None,
    ephemeral: bool = False,
) -> list[Attachment]:
    """Resolve an `attachments` array against uploaded files and (on edits) the attachments kept.

    Entries whose id names an existing attachment keep it; entries whose id is a file index describe
    that upload. Without an `attachments` array, existing ones are kept and every upload is added.
    """
    by_index = {f.index: f for f in files}
    kept = {a.id: a for a in existing or []}
    if described is None:
        return list(existing or []) + [_new_attachment(ids, f, None, ephemeral) for f in files]
    result: list[Attachment] = []
    used_indexes: set[int] = set()
    for position, entry in enumerate(described):
        raw_id = int(entry["id"])
        if raw_id in kept:
            result.append(kept[raw_id])
        elif raw_id in by_index:
            result.append(_new_attachment(ids, by_index[raw_id], entry, ephemeral))
            used_indexes.add(raw_id)
        else:
            raise errors.invalid_form_body(
                errors.field_error(
                    ["attachments", position, "id"],
                    "ATTACHMENT_NOT_FOUND",
                    f"Unknown attachment or file: {raw_id}",
                )
            )
    result.extend(_new_attachment(ids, f, None, ephemeral) for f in files if f.index not in used_indexes)
    return result


def _new_attachment(
    ids: SnowflakeGenerator, upload: UploadedFile, entry: dict[str, Any] | None, ephemeral: bool
) -> Attachment:
    filename = (entry or {}).get("filename") or upload.filename or f"file{upload.index}"
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Attachment(
        id=ids.next(),
        filename=filename,
        content_type=content_type,
        data=upload.data,
        description=(entry or {}).get("description"),
        ephemeral=ephemeral,
    )


def is_empty_message(body: dict[str, Any], files: list[UploadedFile]) -> bool:
    return not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or files
        or body.get("sticker_ids")
        or body.get("poll")
        or body.get("attachments")
    )


def empty_message_error() -> errors.DiscordError:
    return errors.DiscordError(400, errors.CANNOT_SEND_EMPTY_MESSAGE, "Cannot send an empty message")
