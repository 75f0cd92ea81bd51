"""Would Discord take this body? Checked as the emulator checks it (Discord's OpenAPI description and
the rules a schema cannot say), and against the limits Discord's prose documents, counted in code
points as Discord counts (discord-api-docs #1315)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

import discord
from discord.http import handle_message_parameters
from discord.webhook.async_ import interaction_message_response_params

from tests.emulator.discord_rules import rule_violations
from tests.emulator.schema import SpecValidator
from tests.emulator.spec import load_spec

SPEC = load_spec()
VALIDATOR = SpecValidator(SPEC)
CHANNEL_MESSAGE = "create_message"
INTERACTION_RESPONSE = "create_interaction_response"
EPHEMERAL = discord.MessageFlags(ephemeral=True)

# The documented limits, written out again here rather than imported from the code under test.
_EMBED_TEXTS = {"title": 256, "description": 4096}
_FIELD_TEXTS = {"name": 256, "value": 1024}
_COMPONENT_TEXTS = {2: {"label": 80}, 3: {"placeholder": 150}, 4: {"label": 45, "placeholder": 100, "value": 4000}}


def refusals(operation_id: str, body: Any) -> list[str]:
    """Every reason Discord would refuse `body` on the operation; empty when it would take it."""
    operation = SPEC.operation(operation_id)
    found = [str(v) for v in VALIDATOR.check_request_body(operation, body)]
    found += [f"{where}: {text}" for where, _, text in rule_violations(operation_id, body)]
    message = body.get("data") if operation_id == INTERACTION_RESPONSE else body
    if isinstance(message, dict):
        found += list(_beyond_documented_limits(message))
    return found


def _beyond_documented_limits(message: dict[str, Any]) -> Iterator[str]:
    if len(message.get("content") or "") > 2000:
        yield "content over 2000"
    embeds = message.get("embeds") or []
    if len(embeds) > 10:
        yield "over 10 embeds"
    total = 0
    for embed in embeds:
        texts = [(k, embed.get(k) or "", n) for k, n in _EMBED_TEXTS.items()]
        texts += [(f"field {k}", f.get(k) or "", n) for f in embed.get("fields") or [] for k, n in _FIELD_TEXTS.items()]
        texts += [("footer", (embed.get("footer") or {}).get("text") or "", 2048)]
        texts += [("author", (embed.get("author") or {}).get("name") or "", 256)]
        for what, text, limit in texts:
            if len(text) > limit:
                yield f"embed {what} over {limit}"
            total += len(text)
        if len(embed.get("fields") or []) > 25:
            yield "over 25 fields"
    if total > 6000:
        yield f"embeds total {total} over 6000"
    for component in _components(message.get("components") or []):
        if len(component.get("custom_id") or "") > 100:
            yield "custom_id over 100"
        for key, limit in _COMPONENT_TEXTS.get(component.get("type", 0), {}).items():
            if len(component.get(key) or "") > limit:
                yield f"component {key} over {limit}"
        options = component.get("options") or []
        if len(options) > 25:
            yield "over 25 options"
        for option in options:
            for key in ("label", "value", "description"):
                if len(option.get(key) or "") > 100:
                    yield f"option {key} over 100"


def _components(components: Sequence[Any]) -> Iterator[dict[str, Any]]:
    for component in components:
        if isinstance(component, dict):
            yield component
            yield from _components(component.get("components") or [])


def choice_refusals(choices: Sequence[dict[str, Any]]) -> list[str]:
    """An autocomplete answer's choices: at most 25, names 1 to 100, string values up to 100."""
    body = {"type": 8, "data": {"choices": list(choices)}}
    found = [str(v) for v in VALIDATOR.check_request_body(SPEC.operation(INTERACTION_RESPONSE), body)]
    if len(choices) > 25:
        found.append("over 25 choices")
    for choice in choices:
        if not 1 <= len(choice["name"]) <= 100:
            found.append(f"choice name of {len(choice['name'])}")
        if isinstance(choice["value"], str) and len(choice["value"]) > 100:
            found.append(f"choice value of {len(choice['value'])}")
    return found


def channel_message(
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    files: Sequence[tuple[str, bytes]] = (),
) -> dict[str, Any]:
    """The JSON body discord.py sends to post this in a channel (the payload_json part, with files)."""
    params = handle_message_parameters(
        content=content,
        embeds=list(embeds),
        view=view,
        files=[discord.File(io.BytesIO(data), filename=name) for name, data in files] or discord.utils.MISSING,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    return _json_body(params.payload, params.multipart)


def private_reply(
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    files: Sequence[tuple[str, bytes]] = (),
) -> dict[str, Any]:
    """The JSON body discord.py sends to answer an interaction privately."""
    params = interaction_message_response_params(
        type=discord.InteractionResponseType.channel_message.value,
        content=content,
        embeds=list(embeds),
        view=view or discord.utils.MISSING,
        files=[discord.File(io.BytesIO(data), filename=name) for name, data in files] or discord.utils.MISSING,
        flags=EPHEMERAL,
    )
    return _json_body(params.payload, params.multipart)


def _json_body(payload: dict[str, Any] | None, multipart: list[dict[str, Any]] | None) -> dict[str, Any]:
    if payload is not None:
        return payload
    assert multipart, "discord.py built neither a JSON body nor a form"
    return json.loads(next(p["value"] for p in multipart if p["name"] == "payload_json"))
