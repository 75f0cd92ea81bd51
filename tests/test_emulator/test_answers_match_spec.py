"""Every kind of answer the emulator gives validates against the spec's response schema for its operation."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from tests.emulator import DEFAULT_BOT_PERMISSIONS, DiscordEmulator, Permission
from tests.emulator.rest_routes import all_handlers
from tests.emulator.spec import Operation

from .conftest import World


@dataclass
class Api:
    """Raw HTTP against the emulator, so that every route and every error can be provoked on purpose."""

    emu: DiscordEmulator
    session: aiohttp.ClientSession
    seen: set[tuple[str, int]] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)

    def observe(self, operation: Operation, status: int, body: Any) -> None:
        self.seen.add((operation.operation_id, status))
        for violation in self.emu.validator.check_response_body(operation, status, body):
            self.violations.append(f"{operation.key} -> {status}: {violation.json_path}: {violation.message}")

    async def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, str] | None = None,
        auth: bool = True,
        form: aiohttp.FormData | None = None,
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bot {self.emu.bot_token}"} if auth else {}
        async with self.session.request(
            method,
            self.emu.api_base + path,
            json=body if form is None else None,
            data=form,
            params=params,
            headers=headers,
        ) as response:
            text = await response.text()
            return response.status, json.loads(text) if text else None


@pytest.fixture
async def api(emu: DiscordEmulator) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        recorder = Api(emu, session)
        emu.answer_hook = recorder.observe
        yield recorder


async def _exercise_successes(api: Api, emu: DiscordEmulator, world: World) -> None:
    app, guild, channel = emu.application_id, world.guild.id, world.channel.id
    for path in (
        "/users/@me",
        "/oauth2/applications/@me",
        "/applications/@me",
        "/gateway",
        "/gateway/bot",
        f"/users/{world.alice.id}",
        f"/guilds/{guild}/channels",
        f"/guilds/{guild}/roles",
        f"/guilds/{guild}/members/{world.alice.id}",
        f"/channels/{channel}",
    ):
        assert (await api("GET", path))[0] == 200, path
    assert (await api("GET", f"/guilds/{guild}", params={"with_counts": "true"}))[0] == 200

    command = {
        "name": "meetup",
        "description": "Meetups",
        "options": [
            {
                "type": 1,
                "name": "create",
                "description": "Create",
                "options": [
                    {"type": 3, "name": "title", "description": "Title", "required": True, "max_length": 100},
                    {"type": 4, "name": "capacity", "description": "Seats", "min_value": 1},
                    {"type": 7, "name": "where", "description": "Channel", "channel_types": [0]},
                ],
            }
        ],
    }
    for scope in (f"/applications/{app}", f"/applications/{app}/guilds/{guild}"):
        status, created = await api("PUT", f"{scope}/commands", [command])
        assert status == 200
        command_id = created[0]["id"]
        assert (await api("GET", f"{scope}/commands"))[0] == 200
        assert (await api("POST", f"{scope}/commands", {"name": "ping", "description": "Ping"}))[0] == 201
        assert (await api("POST", f"{scope}/commands", {"name": "ping", "description": "Pong"}))[0] == 200
        assert (await api("GET", f"{scope}/commands/{command_id}"))[0] == 200
        assert (await api("PATCH", f"{scope}/commands/{command_id}", {"description": "Meetups!"}))[0] == 200
        assert (await api("DELETE", f"{scope}/commands/{command_id}"))[0] == 204
    await api("PUT", f"/applications/{app}/guilds/{guild}/commands", [command])

    status, message = await api(
        "POST",
        f"/channels/{channel}/messages",
        {
            "content": f"Meetup <@{world.alice.id}>",
            "embeds": [{"title": "Dinner", "fields": [{"name": "a", "value": "b"}]}],
            "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "Going", "custom_id": "go"}]}],
            "allowed_mentions": {"parse": ["users"]},
        },
    )
    assert status == 200
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("payload_json", json.dumps({"content": "file", "attachments": [{"id": 0, "filename": "a.ics"}]}))
    form.add_field("files[0]", b"BEGIN:VCALENDAR", filename="a.ics")
    assert (await api("POST", f"/channels/{channel}/messages", form=form))[0] == 200
    status, reply = await api(
        "POST",
        f"/channels/{channel}/messages",
        {"content": "reply", "message_reference": {"message_id": message["id"]}},
    )
    assert status == 200 and reply["referenced_message"]["id"] == message["id"]
    base = f"/channels/{channel}/messages/{message['id']}"
    assert (await api("GET", f"/channels/{channel}/messages", params={"limit": "10"}))[0] == 200
    assert (await api("PATCH", base, {"content": "edited"}))[0] == 200
    assert (await api("PUT", f"{base}/reactions/%E2%9C%85/@me"))[0] == 204
    await emu.add_reaction(channel, int(message["id"]), "✅", world.alice.id)
    assert (await api("GET", base))[0] == 200
    assert (await api("GET", f"{base}/reactions/%E2%9C%85"))[0] == 200
    assert (await api("DELETE", f"{base}/reactions/%E2%9C%85/{world.alice.id}"))[1]["code"] == 50013
    emu.set_channel_overwrite(channel, emu.bot_user_id, allow=int(Permission.MANAGE_MESSAGES))
    assert (await api("DELETE", f"{base}/reactions/%E2%9C%85/{world.alice.id}"))[0] == 204
    assert (await api("DELETE", f"{base}/reactions/%E2%9C%85/@me"))[0] == 204
    pins = f"/channels/{channel}/messages/pins"
    assert (await api("PUT", f"{pins}/{message['id']}"))[0] == 204
    assert (await api("GET", pins))[0] == 200
    assert (await api("DELETE", f"{pins}/{message['id']}"))[0] == 204
    await _exercise_threads(api, emu, world, int(message["id"]))
    await _exercise_roles(api, emu, world)

    status, dm = await api("POST", "/users/@me/channels", {"recipient_id": str(world.alice.id)})
    assert status == 200
    assert (await api("POST", f"/channels/{dm['id']}/messages", {"content": "hi"}))[0] == 200

    event = {
        "name": "Dinner",
        "privacy_level": 2,
        "entity_type": 3,
        "entity_metadata": {"location": "Seoul"},
        "scheduled_start_time": "2030-01-01T10:00:00+00:00",
        "scheduled_end_time": "2030-01-01T12:00:00+00:00",
    }
    status, created_event = await api("POST", f"/guilds/{guild}/scheduled-events", event)
    assert status == 200
    event_path = f"/guilds/{guild}/scheduled-events/{created_event['id']}"
    assert (await api("GET", f"/guilds/{guild}/scheduled-events"))[0] == 200
    assert (await api("GET", event_path))[0] == 200
    assert (await api("PATCH", event_path, {"name": "Dinner!", "status": 2}))[0] == 200
    assert (await api("DELETE", event_path))[0] == 204
    await _exercise_interactions(api, emu, world, int(message["id"]))
    assert (await api("DELETE", base))[0] == 204


async def _exercise_threads(api: Api, emu: DiscordEmulator, world: World, message_id: int) -> None:
    base = f"/channels/{world.channel.id}/messages/{message_id}/threads"
    status, thread = await api("POST", base, {"name": "Dinner", "auto_archive_duration": 10080})
    assert status == 201, thread
    members = f"/channels/{thread['id']}/thread-members"
    assert (await api("PUT", f"{members}/{world.alice.id}"))[0] == 204
    assert (await api("GET", f"{members}/{world.alice.id}"))[0] == 200
    assert (await api("GET", members))[0] == 200
    assert (await api("DELETE", f"{members}/{world.alice.id}"))[1]["code"] == 50013  # needs Manage Threads
    assert (await api("PATCH", f"/channels/{thread['id']}", {"archived": True}))[0] == 200
    assert (await api("PUT", f"{members}/{world.alice.id}"))[1]["code"] == 50083
    assert (await api("DELETE", f"/channels/{thread['id']}"))[1]["code"] == 50013  # needs Manage Threads
    guild = world.guild.id
    bot_role = next(r.id for r in emu.state.guild(guild).roles.values() if r.bot_id == emu.state.bot_user.id)
    emu.set_role_permissions(guild, bot_role, DEFAULT_BOT_PERMISSIONS | Permission.MANAGE_THREADS)
    status, deleted = await api("DELETE", f"/channels/{thread['id']}")
    assert status == 200 and deleted["id"] == thread["id"], deleted
    assert (await api("GET", members))[1]["code"] == 10003
    emu.set_role_permissions(guild, bot_role, DEFAULT_BOT_PERMISSIONS)


async def _exercise_roles(api: Api, emu: DiscordEmulator, world: World) -> None:
    guild = world.guild.id
    bot_role = next(r.id for r in emu.state.guild(guild).roles.values() if r.bot_id == emu.state.bot_user.id)
    emu.set_role_permissions(guild, bot_role, DEFAULT_BOT_PERMISSIONS | Permission.MANAGE_ROLES)
    status, role = await api("POST", f"/guilds/{guild}/roles", {"name": "Dinner"})
    assert status == 200, role
    member_role = f"/guilds/{guild}/members/{world.alice.id}/roles/{role['id']}"
    assert (await api("PUT", member_role))[0] == 204
    assert (await api("DELETE", member_role))[0] == 204
    status, renamed = await api("PATCH", f"/guilds/{guild}/roles/{role['id']}", {"name": "Lunch"})
    assert status == 200 and renamed["name"] == "Lunch", renamed
    assert (await api("DELETE", f"/guilds/{guild}/roles/{role['id']}"))[0] == 204


async def _exercise_interactions(api: Api, emu: DiscordEmulator, world: World, message_id: int) -> None:
    guild, channel, app = world.guild.id, world.channel.id, emu.application_id

    def callback(ix: Any) -> str:
        return f"/interactions/{ix.id}/{ix.token}/callback"

    with_response = {"with_response": "true"}
    reply = await emu.slash_command(
        guild, channel, world.alice.id, "meetup create", title="Dinner", capacity=4, where=channel
    )
    assert (
        await api(
            "POST",
            callback(reply),
            {"type": 4, "data": {"content": "ok", "flags": 64}},
            params=with_response,
            auth=False,
        )
    )[0] == 200
    deferred = await emu.slash_command(guild, channel, world.alice.id, "meetup create", title="Lunch")
    assert (await api("POST", callback(deferred), {"type": 5}, params=with_response))[0] == 200
    hook = f"/webhooks/{app}/{deferred.token}"
    assert (await api("PATCH", f"{hook}/messages/@original", {"content": "done"}))[0] == 200
    assert (await api("GET", f"{hook}/messages/@original"))[0] == 200
    status, followup = await api("POST", hook, {"content": "more"}, params={"wait": "true"})
    assert status == 200
    assert (await api("POST", hook, {"content": "no wait"}))[0] == 204
    assert (await api("GET", f"{hook}/messages/{followup['id']}"))[0] == 200
    assert (await api("PATCH", f"{hook}/messages/{followup['id']}", {"content": "less"}))[0] == 200
    assert (await api("DELETE", f"{hook}/messages/{followup['id']}"))[0] == 204
    assert (await api("DELETE", f"{hook}/messages/@original"))[0] == 204

    for callback_type, data in (
        (6, None),
        (7, {"content": "updated"}),
        (
            9,
            {
                "custom_id": "m",
                "title": "Note",
                "components": [{"type": 1, "components": [{"type": 4, "custom_id": "n", "label": "Note", "style": 1}]}],
            },
        ),
    ):
        click = await emu.click_button(channel, message_id, "go", world.alice.id)
        body = {"type": callback_type} if data is None else {"type": callback_type, "data": data}
        assert (await api("POST", callback(click), body, params=with_response))[0] == 200
    plain = await emu.click_button(channel, message_id, "go", world.alice.id)
    assert (await api("POST", callback(plain), {"type": 6}))[0] == 204
    suggest = emu.actors.autocomplete(guild, channel, world.alice.id, "meetup create", focused="title", value="Di")
    assert (
        await api(
            "POST",
            callback(suggest),
            {"type": 8, "data": {"choices": [{"name": "Dinner", "value": "Dinner"}]}},
            params=with_response,
        )
    )[0] == 200


async def _exercise_errors(api: Api, emu: DiscordEmulator, world: World) -> None:
    guild, channel = world.guild.id, world.channel.id
    expectations: list[tuple[str, str, Any, int, int]] = [
        ("GET", "/users/@me", None, 401, 40001),
        ("GET", f"/channels/{channel}/messages/1", None, 404, 10008),
        ("GET", "/channels/1", None, 404, 10003),
        ("GET", "/guilds/1", None, 404, 10004),
        ("GET", f"/guilds/{guild}/scheduled-events/1", None, 404, 10070),
        ("POST", "/interactions/1/x/callback", {"type": 4, "data": {"content": "x"}}, 404, 10062),
        ("POST", f"/webhooks/{emu.application_id}/nope", {"content": "x"}, 404, 10015),
        ("POST", f"/channels/{channel}/messages", {"embeds": [{"title": "x" * 300}]}, 400, 50035),
        ("POST", f"/channels/{channel}/messages", {}, 400, 50006),
        ("GET", "/channels/abc", None, 400, 50035),
    ]
    for method, path, body, status, code in expectations:
        answer = await api(method, path, body, auth=status != 401)
        assert answer[0] == status and answer[1]["code"] == code, (method, path, answer)

    others = await emu.send_message(channel, world.alice.id, "mine")
    assert (await api("PATCH", f"/channels/{channel}/messages/{others.id}", {"content": "x"}))[1]["code"] == 50005
    status, dm = await api("POST", "/users/@me/channels", {"recipient_id": str(world.bob.id)})
    assert (await api("POST", f"/channels/{dm['id']}/messages", {"content": "hi"}))[1]["code"] == 50007
    twice = await emu.slash_command(guild, channel, world.alice.id, "meetup create", title="x")
    path = f"/interactions/{twice.id}/{twice.token}/callback"
    await api("POST", path, {"type": 5})
    assert (await api("POST", path, {"type": 5}))[1]["code"] == 40060

    emu.configure_rate_limit("GET /channels/{channel_id}", limit=1, per=60)
    assert (await api("GET", f"/channels/{channel}"))[0] == 200
    assert (await api("GET", f"/channels/{channel}"))[0] == 429
    emu.set_channel_overwrite(channel, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES))
    assert (await api("POST", f"/channels/{channel}/messages", {"content": "x"}))[1]["code"] == 50013
    emu.set_channel_overwrite(channel, emu.bot_user_id, deny=int(Permission.VIEW_CHANNEL))
    assert (await api("POST", f"/channels/{channel}/messages", {"content": "x"}))[1]["code"] == 50001
    emu.configure_global_rate_limit(0)
    assert (await api("GET", "/gateway/bot"))[0] == 429


@pytest.mark.expect_problems
async def test_every_answer_matches_its_response_schema(api: Api, emu: DiscordEmulator, world: World) -> None:
    await _exercise_successes(api, emu, world)
    await _exercise_errors(api, emu, world)

    assert api.violations == []
    answered = {operation_id for operation_id, _ in api.seen}
    assert set(all_handlers()) - answered == set(), "every emulated route was exercised"
    assert {status for _, status in api.seen} >= {200, 201, 204, 400, 401, 403, 404, 429}
