"""A small JSON API under /_emulator/ so another process (a benchmark, a person with curl) can drive it."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors
from .answers import json_answer
from .interaction_handle import InteractionHandle
from .models import Guild, MessageRecord
from .permissions import DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS

if TYPE_CHECKING:
    from .emulator import DiscordEmulator

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


def message_json(message: MessageRecord) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "author_id": str(message.author_id),
        "content": message.content,
        "embeds": message.embeds,
        "components": message.components,
        "flags": message.flags,
        "type": message.type,
        "edit_count": message.edit_count,
        "deleted": message.deleted,
        "ephemeral_user_id": str(message.ephemeral_user_id) if message.ephemeral_user_id else None,
        "pinged_user_ids": [str(u) for u in message.pinged_user_ids],
        "pinged_role_ids": [str(r) for r in message.pinged_role_ids],
        "mention_everyone": message.mention_everyone,
        "attachments": [{"id": str(a.id), "filename": a.filename, "size": a.size} for a in message.attachments],
        "reactions": {r.key: [str(u) for u in r.user_ids] for r in message.reactions.values()},
        "created_at": message.created_at.isoformat(),
    }


def interaction_json(interaction: InteractionHandle) -> dict[str, Any]:
    record = interaction.record
    return {
        "id": str(record.id),
        "type": record.type,
        "response_type": record.callback_type,
        "acknowledged": record.acknowledged,
        "ephemeral": interaction.ephemeral,
        "content": interaction.content,
        "embeds": interaction.embeds,
        "components": interaction.components,
        "choices": interaction.choices,
        "modal": interaction.modal,
        "original_message_id": str(record.original_message_id) if record.original_message_id else None,
        "followup_message_ids": [str(m) for m in record.followup_message_ids],
        "rejected": [e.body() for e in record.rejected],
    }


def guild_json(emu: DiscordEmulator, guild: Guild) -> dict[str, Any]:
    return {
        "id": str(guild.id),
        "name": guild.name,
        "channels": [{"id": str(c.id), "name": c.name, "type": c.type} for c in emu.state.guild_channels(guild.id)],
        "roles": [{"id": str(r.id), "name": r.name, "permissions": str(r.permissions)} for r in guild.roles.values()],
        "members": [
            {
                "id": str(m.user_id),
                "username": emu.state.users[m.user_id].username,
                "roles": [str(r) for r in m.role_ids],
            }
            for m in guild.members.values()
        ],
    }


def add_control_routes(app: web.Application, emu: DiscordEmulator) -> None:
    interactions: dict[int, InteractionHandle] = {}

    def route(method: str, path: str) -> Callable[[Callable[[web.Request, dict[str, Any]], Awaitable[Any]]], None]:
        def register(handler: Callable[[web.Request, dict[str, Any]], Awaitable[Any]]) -> None:
            async def wrapped(request: web.Request) -> web.StreamResponse:
                body = await request.json() if request.can_read_body else {}
                try:
                    result = await handler(request, body)
                except errors.DiscordError as error:
                    return json_answer(error.body(), error.status)
                except (ValueError, LookupError, KeyError, TimeoutError) as error:
                    return json_answer({"error": f"{type(error).__name__}: {error}"}, 400)
                if isinstance(result, web.StreamResponse):
                    return result
                return json_answer(result)

            app.router.add_route(method, "/_emulator" + path, wrapped)

        return register

    async def finish(interaction: InteractionHandle, body: dict[str, Any]) -> dict[str, Any]:
        interactions[interaction.id] = interaction
        wait = body.get("wait")
        timeout = float(body.get("timeout", 5.0))
        if wait == "response":
            await interaction.wait_response(timeout)
        elif wait == "final":
            await interaction.wait_final(timeout)
        return interaction_json(interaction)

    @route("GET", "/info")
    async def info(request: web.Request, body: dict[str, Any]) -> Any:
        return {
            "api_base": emu.api_base,
            "gateway_url": emu.gateway_url,
            "bot_token": emu.bot_token,
            "application_id": str(emu.application_id),
            "bot_user_id": str(emu.bot_user_id),
            "guilds": [guild_json(emu, g) for g in emu.state.guilds.values()],
        }

    @route("POST", "/guilds")
    async def create_guild(request: web.Request, body: dict[str, Any]) -> Any:
        guild = emu.create_guild(
            body.get("name", "Meetup Community"),
            bot_permissions=int(body.get("bot_permissions", DEFAULT_BOT_PERMISSIONS)),
            everyone_permissions=int(body.get("everyone_permissions", DEFAULT_EVERYONE_PERMISSIONS)),
        )
        return guild_json(emu, guild)

    @route("POST", "/guilds/{guild_id}/channels")
    async def create_channel(request: web.Request, body: dict[str, Any]) -> Any:
        channel = emu.create_text_channel(
            int(request.match_info["guild_id"]), body.get("name", "general"), topic=body.get("topic")
        )
        return {"id": str(channel.id), "name": channel.name}

    @route("POST", "/guilds/{guild_id}/roles")
    async def create_role(request: web.Request, body: dict[str, Any]) -> Any:
        role = emu.create_role(
            int(request.match_info["guild_id"]),
            body["name"],
            permissions=int(body.get("permissions", 0)),
            mentionable=bool(body.get("mentionable")),
        )
        return {"id": str(role.id), "name": role.name}

    @route("POST", "/guilds/{guild_id}/members")
    async def create_member(request: web.Request, body: dict[str, Any]) -> Any:
        user = emu.create_member(
            int(request.match_info["guild_id"]),
            body["username"],
            roles=[int(r) for r in body.get("roles", [])],
            accepts_dms=bool(body.get("accepts_dms", True)),
            locale=body.get("locale", "en-US"),
        )
        return {"id": str(user.id), "username": user.username}

    @route("POST", "/interactions/slash")
    async def slash(request: web.Request, body: dict[str, Any]) -> Any:
        guild_id = int(body["guild_id"]) if body.get("guild_id") else None
        interaction = await emu.slash_command(
            guild_id,
            int(body["channel_id"]),
            int(body["user_id"]),
            body["command"],
            **body.get("options", {}),
        )
        return await finish(interaction, body)

    @route("POST", "/interactions/autocomplete")
    async def autocomplete(request: web.Request, body: dict[str, Any]) -> Any:
        choices = await emu.autocomplete(
            int(body["guild_id"]) if body.get("guild_id") else None,
            int(body["channel_id"]),
            int(body["user_id"]),
            body["command"],
            focused=body["focused"],
            value=str(body.get("value", "")),
            timeout=float(body.get("timeout", 5.0)),
            **body.get("options", {}),
        )
        return {"choices": choices}

    @route("GET", "/commands")
    async def commands(request: web.Request, body: dict[str, Any]) -> Any:
        """The application commands the bot registered (global and per guild), as it sent them."""
        return [
            {"guild_id": str(c.guild_id) if c.guild_id else None, **c.definition} for c in emu.state.commands.values()
        ]

    @route("POST", "/interactions/button")
    async def button(request: web.Request, body: dict[str, Any]) -> Any:
        interaction = await emu.click_button(
            int(body["channel_id"]), int(body["message_id"]), body["custom_id"], int(body["user_id"])
        )
        return await finish(interaction, body)

    @route("POST", "/interactions/select")
    async def select(request: web.Request, body: dict[str, Any]) -> Any:
        interaction = await emu.select(
            int(body["channel_id"]),
            int(body["message_id"]),
            body["custom_id"],
            list(body["values"]),
            int(body["user_id"]),
        )
        return await finish(interaction, body)

    @route("POST", "/interactions/modal")
    async def modal(request: web.Request, body: dict[str, Any]) -> Any:
        opener = interactions[int(body["interaction_id"])]
        return await finish(await emu.submit_modal(opener, body.get("values", {})), body)

    @route("GET", "/interactions/{interaction_id}")
    async def get_interaction(request: web.Request, body: dict[str, Any]) -> Any:
        return interaction_json(interactions[int(request.match_info["interaction_id"])])

    @route("POST", "/reactions")
    async def react(request: web.Request, body: dict[str, Any]) -> Any:
        act = emu.remove_reaction if body.get("remove") else emu.add_reaction
        changed = await act(int(body["channel_id"]), int(body["message_id"]), body["emoji"], int(body["user_id"]))
        return {"changed": changed}

    @route("POST", "/channels/{channel_id}/messages")
    async def post_message(request: web.Request, body: dict[str, Any]) -> Any:
        message = await emu.send_message(int(request.match_info["channel_id"]), int(body["user_id"]), body["content"])
        return message_json(message)

    @route("GET", "/channels/{channel_id}/messages")
    async def channel_messages(request: web.Request, body: dict[str, Any]) -> Any:
        deleted = request.query.get("include_deleted") == "true"
        return [
            message_json(m)
            for m in emu.channel_messages(int(request.match_info["channel_id"]), include_deleted=deleted)
        ]

    @route("GET", "/calls")
    async def calls(request: web.Request, body: dict[str, Any]) -> Any:
        since = int(request.query.get("since", 0))
        return [dataclasses.asdict(c) for c in emu.calls[since:]]

    @route("GET", "/problems")
    async def problems(request: web.Request, body: dict[str, Any]) -> Any:
        return {
            "schema_errors": [dataclasses.asdict(e) for e in emu.schema_errors],
            "unhandled_requests": [dataclasses.asdict(u) for u in emu.unhandled_requests],
        }

    @route("GET", "/stats")
    async def stats(request: web.Request, body: dict[str, Any]) -> Any:
        validation = emu.validation_stats
        return {
            "calls": len(emu.calls),
            "sent_429": emu.sent_429,
            "messages": len(emu.state.messages),
            "interactions": len(emu.interactions.records),
            "identifies": emu.gateway.identify_count,
            "resumes": emu.gateway.resume_count,
            "validated_requests": validation.requests,
            "validation_mean_ms": round(validation.mean_ms, 4),
            "validation_cache_hits": validation.cache_hits,
        }

    @route("POST", "/rate-limits")
    async def rate_limits(request: web.Request, body: dict[str, Any]) -> Any:
        emu.configure_rate_limit(body["route"], limit=int(body["limit"]), per=float(body["per"]))
        return {"ok": True}

    @route("POST", "/faults")
    async def faults(request: web.Request, body: dict[str, Any]) -> Any:
        emu.inject_fault(
            body["method"],
            body["path_template"],
            status=int(body.get("status", 500)),
            times=int(body.get("times", 1)),
            retry_after=float(body.get("retry_after", 1.0)),
            after_processing=bool(body.get("after_processing")),
            hold_seconds=float(body.get("hold_seconds", 0.0)),
            skip=int(body.get("skip", 0)),
            channel_id=int(body["channel_id"]) if body.get("channel_id") is not None else None,
        )
        return {"ok": True}

    @route("GET", "/faults")
    async def list_faults(request: web.Request, body: dict[str, Any]) -> Any:
        return {"faults": emu.faults.fired()}

    @route("POST", "/gateway/{action}")
    async def gateway(request: web.Request, body: dict[str, Any]) -> Any:
        shard_id = body.get("shard_id")
        if request.match_info["action"] == "reconnect":
            await emu.gateway_reconnect(shard_id)
        elif request.match_info["action"] == "drop":
            emu.gateway_drop(shard_id)
        elif request.match_info["action"] == "heartbeat":
            emu.gateway.request_heartbeat(shard_id)
        else:
            raise LookupError(f"unknown gateway action {request.match_info['action']!r}")
        return {"ok": True}

    @route("GET", "/attachments/{channel_id}/{attachment_id}/{filename}")
    async def attachment(request: web.Request, body: dict[str, Any]) -> Any:
        found = emu.state.attachments.get(int(request.match_info["attachment_id"]))
        if found is None:
            return web.Response(status=404, text="404: Not Found")
        return web.Response(body=found.data, content_type=found.content_type)
