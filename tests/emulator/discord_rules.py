"""Rules Discord enforces that a JSON schema cannot express: a message's (documented under "Embed Limits"
and "Components") and a scheduled event's recurrence rule (`recurrence_rules.py`). Breaking one is a
400 / 50035 like a schema violation, and is recorded the same way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .models import MessageFlags
from .recurrence_rules import recurrence_violations

MAX_EMBED_CHARACTERS = 6000
MAX_ACTION_ROWS = 5
ACTION_ROW = 1

# Operations whose body is a message, and where in the body the message is.
_MESSAGE_BODIES = {
    "create_message": (),
    "update_message": (),
    "execute_webhook": (),
    "update_original_webhook_message": (),
    "update_webhook_message": (),
    "create_interaction_response": ("data",),
}


def rule_violations(operation_id: str, body: Any) -> list[tuple[str, str, str]]:
    """(json path, Discord error code, message) for each broken rule."""
    if found := recurrence_violations(operation_id, body):
        return found
    prefix = _MESSAGE_BODIES.get(operation_id)
    if prefix is None or not isinstance(body, dict):
        return []
    message: Any = body
    for key in prefix:
        message = message.get(key) if isinstance(message, dict) else None
    if not isinstance(message, dict):
        return []
    path = ".".join(prefix)
    return [(f"{path}.{where}" if path else where, code, text) for where, code, text in _check(message)]


def _check(message: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    embeds = message.get("embeds") or []
    if isinstance(embeds, list) and sum(embed_characters(e) for e in embeds if isinstance(e, dict)) > (
        MAX_EMBED_CHARACTERS
    ):
        yield (
            "embeds",
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {MAX_EMBED_CHARACTERS}",
        )
    components = message.get("components") or []
    if not isinstance(components, list):
        return
    components_v2 = bool(int(message.get("flags") or 0) & MessageFlags.IS_COMPONENTS_V2)
    if not components_v2:
        if len(components) > MAX_ACTION_ROWS:
            yield "components", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ACTION_ROWS} or fewer in length."
        for index, component in enumerate(components):
            if isinstance(component, dict) and component.get("type") != ACTION_ROW:
                yield (
                    f"components.{index}",
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "Only action rows may be top-level components without the IS_COMPONENTS_V2 flag",
                )
    elif message.get("content") or message.get("embeds"):
        yield (
            "content",
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            ("The 'content' and 'embeds' fields cannot be used when using the IS_COMPONENTS_V2 flag"),
        )
    seen: set[str] = set()
    reported: set[str] = set()
    for custom_id in _custom_ids(components):
        if custom_id in seen and custom_id not in reported:
            reported.add(custom_id)
            yield (
                "components",
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                f"Component custom id {custom_id!r} is duplicated",
            )
        seen.add(custom_id)


def embed_characters(embed: dict[str, Any]) -> int:
    """Discord counts title, description, field names and values, footer text and author name."""
    total = len(str(embed.get("title") or "")) + len(str(embed.get("description") or ""))
    for field in embed.get("fields") or []:
        if isinstance(field, dict):
            total += len(str(field.get("name") or "")) + len(str(field.get("value") or ""))
    for part, key in (("footer", "text"), ("author", "name")):
        if isinstance(embed.get(part), dict):
            total += len(str(embed[part].get(key) or ""))
    return total


def _custom_ids(components: list[Any]) -> Iterator[str]:
    for component in components:
        if not isinstance(component, dict):
            continue
        if isinstance(component.get("custom_id"), str):
            yield component["custom_id"]
        yield from _custom_ids(component.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                yield from _custom_ids([component[key]])
