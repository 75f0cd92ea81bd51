"""DiscordEmulator: the one object tests use. It serves REST + gateway on 127.0.0.1 and exposes the world."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from aiohttp import web

from .actors import Actors
from .control import add_control_routes
from .control_bursts import add_burst_routes
from .events import PRIVILEGED_INTENTS
from .faults import FaultInjector
from .gateway import Gateway, GatewayConfig
from .interaction_handle import InteractionHandle
from .interaction_payloads import DEFAULT_ATTACHMENT_SIZE_LIMIT
from .interactions import InteractionService
from .messages import MessageService
from .models import AppCommand, Channel, ChannelType, Guild, Member, MessageRecord, Role, User
from .permissions import DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Overwrite
from .ratelimits import RateLimiter
from .records import CallRecord, UnhandledRequest, ValidationStats
from .rest_roles import MEMBER_ROLE_LIMIT, MEMBER_ROLE_PER, MEMBER_ROLE_ROUTES
from .rest_routes import all_handlers
from .rest_server import API_PREFIX, RestServer
from .schema import SchemaViolation, SpecValidator
from .spec import ApiSpec, Operation, load_spec
from .state import EmulatorState
from .trouble import TroubleMixin
from .waiting import WaitingMixin
from .world import World

log = logging.getLogger(__name__)
CONTROL_PREFIX = "/_emulator"


@cache
def _shared_validator(spec: ApiSpec) -> SpecValidator:
    """Compiled validators are reused by every emulator in the process (tests start many)."""
    return SpecValidator(spec)


class DiscordEmulator(WaitingMixin, TroubleMixin):
    """A wire-level stand-in for Discord that discord.py talks to unmodified.

    Build the world (guilds, channels, roles, members), point discord.py at `api_base` and `gateway_url`,
    then act as members and assert on what the bot sent. Every request body is checked against Discord's
    OpenAPI spec; violations are answered with 400/50035 and kept in `schema_errors`.
    """

    def __init__(
        self,
        *,
        validate: bool = True,
        interaction_deadline: float = 3.0,
        heartbeat_interval_ms: int = 41250,
        nonce_window: float = 300.0,
        attachment_size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT,
        recommended_shards: int = 1,
        privileged_intents: int = PRIVILEGED_INTENTS,
        bot_name: str = "Meetup Bot",
        spec_path: str | None = None,
    ) -> None:
        self.validate = validate
        self.attachment_size_limit = attachment_size_limit
        self.recommended_shards = recommended_shards
        self.state = EmulatorState(bot_name=bot_name)
        self.spec = load_spec(spec_path)
        self.validator = _shared_validator(self.spec)
        self.gateway = Gateway(
            self.state,
            GatewayConfig(heartbeat_interval_ms=heartbeat_interval_ms, privileged_intents_enabled=privileged_intents),
        )
        self.messages = MessageService(self.state, self.gateway, nonce_window=nonce_window)
        self.interactions = InteractionService(self.state, self.messages, self.gateway, deadline=interaction_deadline)
        self.actors = Actors(self.state, self.messages, self.interactions, attachment_size_limit)
        self.world = World(self.state, self.gateway, self.messages)
        self.rate_limits = RateLimiter()
        for route in MEMBER_ROLE_ROUTES:
            self.rate_limits.configure(route, limit=MEMBER_ROLE_LIMIT, per=MEMBER_ROLE_PER)
        # (guild, user, role, added) for every member-role change the bot made, in order.
        self.member_role_changes: list[tuple[int, int, int, bool]] = []
        self.faults = FaultInjector()
        self.calls: list[CallRecord] = []
        self.schema_errors: list[SchemaViolation] = []
        self.unhandled_requests: list[UnhandledRequest] = []
        self.internal_errors: list[str] = []
        self.validation_stats = ValidationStats()
        # Called with (operation, status, JSON body) for every answer; the emulator's tests check them.
        self.answer_hook: Callable[[Operation, int, Any], None] | None = None
        self.rest = RestServer(self, all_handlers())
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on host:port (0: any free port); `api_base` and `gateway_url` are known afterwards."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.rest.handle)
        app.router.add_route("*", "/api/{tail:.*}", self.rest.handle_other_version)
        add_control_routes(app, self)
        add_burst_routes(app, self)
        app.router.add_get("/{tail:.*}", self.gateway.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.host, self.port = host, int(self._runner.addresses[0][1])
        self.gateway.url = self.gateway_url
        self.messages.base_url = self.control_url
        log.info("Discord emulator listening on %s (gateway %s)", self.api_base, self.gateway_url)

    async def stop(self) -> None:
        """Close gateway connections (code 1001) and the server."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- where things are -------------------------------------------------------------------------
    @property
    def api_base(self) -> str:
        """Set `discord.http.Route.BASE` to this."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Set `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` to `yarl.URL(this)`."""
        return f"ws://{self.host}:{self.port}/"

    @property
    def control_url(self) -> str:
        return f"http://{self.host}:{self.port}{CONTROL_PREFIX}"

    @property
    def bot_token(self) -> str:
        return self.state.bot_token

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def bot_user_id(self) -> int:
        return self.state.bot_user.id

    @property
    def bot_user(self) -> User:
        return self.state.bot_user

    # -- building the world -----------------------------------------------------------------------
    def create_guild(
        self,
        name: str = "Meetup Community",
        *,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        preferred_locale: str = "en-US",
    ) -> Guild:
        """A server with @everyone, an owner, and the bot (its managed role has `bot_permissions`)."""
        return self.world.create_guild(
            name,
            bot_permissions=bot_permissions,
            everyone_permissions=everyone_permissions,
            preferred_locale=preferred_locale,
        )

    def create_text_channel(
        self,
        guild_id: int,
        name: str = "general",
        *,
        parent_id: int | None = None,
        topic: str | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> Channel:
        """A text channel; a connected bot gets CHANNEL_CREATE."""
        return self.world.create_channel(guild_id, name, parent_id=parent_id, topic=topic, overwrites=overwrites)

    def create_category(self, guild_id: int, name: str) -> Channel:
        return self.world.create_channel(guild_id, name, kind=ChannelType.GUILD_CATEGORY)

    def create_role(
        self,
        guild_id: int,
        name: str,
        *,
        permissions: int = 0,
        mentionable: bool = False,
        color: int = 0,
        below_bot: bool = False,
    ) -> Role:
        """A role (GUILD_ROLE_CREATE), at the top, or at the bottom with `below_bot` (where the bot
        may give it); give it to members with `create_member(roles=...)`."""
        return self.world.create_role(
            guild_id, name, permissions=permissions, mentionable=mentionable, color=color, below_bot=below_bot
        )

    def create_user(self, username: str, *, accepts_dms: bool = True, locale: str = "en-US") -> User:
        """A user who shares no server with the bot (DMs to them fail with 50007)."""
        return self.world.create_user(username, accepts_dms=accepts_dms, locale=locale)

    def create_member(
        self,
        guild_id: int,
        username: str,
        *,
        roles: Iterable[Role | int] = (),
        nick: str | None = None,
        accepts_dms: bool = True,
        locale: str = "en-US",
    ) -> User:
        """A new user who is a member of the guild; returns the user (its `id` is what commands take)."""
        user = self.world.create_user(username, accepts_dms=accepts_dms, locale=locale)
        role_ids = [r.id if isinstance(r, Role) else int(r) for r in roles]
        self.world.add_member(guild_id, user, role_ids=role_ids, nick=nick)
        return user

    def member(self, guild_id: int, user_id: int) -> Member:
        return self.state.member(guild_id, user_id)

    def set_member_roles(self, guild_id: int, user_id: int, roles: Iterable[Role | int]) -> Member:
        """Replace a member's roles (GUILD_MEMBER_UPDATE; the bot always hears about its own)."""
        return self.world.set_member_roles(guild_id, user_id, [r.id if isinstance(r, Role) else int(r) for r in roles])

    def set_role_permissions(self, guild_id: int, role_id: int, permissions: int) -> Role:
        """Change a role's permissions (GUILD_ROLE_UPDATE); the @everyone role's id is the guild's id."""
        return self.world.set_role_permissions(guild_id, role_id, permissions)

    def set_channel_overwrite(
        self,
        channel_id: int,
        target_id: int,
        *,
        allow: int = 0,
        deny: int = 0,
        target_type: int | None = None,
    ) -> Channel:
        """Set a role's or member's overwrite in a channel (CHANNEL_UPDATE); allow=deny=0 removes it."""
        return self.world.set_channel_overwrite(channel_id, target_id, allow=allow, deny=deny, target_type=target_type)

    def set_accepts_dms(self, user_id: int, accepts: bool) -> None:
        self.state.user(user_id).accepts_dms = accepts

    def delete_channel(self, channel_id: int) -> None:
        """Delete a channel as an admin would (CHANNEL_DELETE); later requests to it get 10003."""
        self.world.delete_channel(channel_id)

    def delete_message(self, channel_id: int, message_id: int) -> None:
        """Delete a message as a moderator would (MESSAGE_DELETE); later requests to it get 10008."""
        self.world.delete_message(channel_id, message_id)

    def remove_member(self, guild_id: int, user_id: int) -> None:
        """A member leaves the server (GUILD_MEMBER_REMOVE)."""
        self.world.remove_member(guild_id, user_id)

    # -- acting as members ------------------------------------------------------------------------
    async def slash_command(
        self, guild_id: int | None, channel_id: int, user_id: int, command: str, **options: Any
    ) -> InteractionHandle:
        """Run "/settings timezone" with options by name, against the commands the bot registered.

        Raises CommandNotRegistered for unknown commands or subcommands and ValueError for options the
        Discord client would not let a user send. guild_id=None runs it in the user's DM with the bot.
        """
        return await _given_way(self.actors.slash_command(guild_id, channel_id, user_id, command, **options))

    async def autocomplete(
        self,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        command: str,
        *,
        focused: str,
        value: str,
        timeout: float = 5.0,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type `value` into option `focused`; returns the choices the bot suggested."""
        interaction = self.actors.autocomplete(
            guild_id, channel_id, user_id, command, focused=focused, value=value, **options
        )
        await interaction.wait_response(timeout)
        return interaction.choices

    async def user_command(
        self, guild_id: int | None, channel_id: int, user_id: int, name: str, target_user_id: int
    ) -> InteractionHandle:
        """User context-menu command "name" on a member."""
        return await _given_way(
            self.actors.context_menu(guild_id, channel_id, user_id, name, target_user_id=target_user_id)
        )

    async def message_command(
        self, guild_id: int | None, channel_id: int, user_id: int, name: str, target_message_id: int
    ) -> InteractionHandle:
        """Message context-menu command "name" on a message."""
        return await _given_way(
            self.actors.context_menu(guild_id, channel_id, user_id, name, target_message_id=target_message_id)
        )

    async def click_button(self, channel_id: int, message_id: int, custom_id: str, user_id: int) -> InteractionHandle:
        """Click a button of a message (it must exist, be enabled, and be visible to the user)."""
        return await _given_way(self.actors.click_button(channel_id, message_id, custom_id, user_id))

    async def select(
        self, channel_id: int, message_id: int, custom_id: str, values: list[Any], user_id: int
    ) -> InteractionHandle:
        """Choose `values` in a select menu (string options by value; user/role/channel selects by id)."""
        return await _given_way(self.actors.select(channel_id, message_id, custom_id, values, user_id))

    async def submit_modal(
        self, from_interaction: InteractionHandle, values: dict[str, Any], *, custom_id: str | None = None
    ) -> InteractionHandle:
        """Fill in and submit the modal the bot answered `from_interaction` with; `values` by custom_id."""
        return await _given_way(self.actors.submit_modal(from_interaction, values, custom_id=custom_id))

    async def add_reaction(self, channel_id: int, message_id: int, emoji: str, user_id: int) -> bool:
        """React as a member ("✅", or "name:id" for a custom emoji); False if already reacted."""
        return self.actors.add_reaction(channel_id, message_id, emoji, user_id)

    async def remove_reaction(self, channel_id: int, message_id: int, emoji: str, user_id: int) -> bool:
        return self.actors.remove_reaction(channel_id, message_id, emoji, user_id)

    async def send_message(self, channel_id: int, user_id: int, content: str, **fields: Any) -> MessageRecord:
        """A member posts a message (MESSAGE_CREATE); in a DM channel it is a DM to the bot."""
        return self.actors.send_message(channel_id, user_id, content, **fields)

    # -- reading what happened --------------------------------------------------------------------
    def channel_messages(self, channel_id: int, *, include_deleted: bool = False) -> list[MessageRecord]:
        """Messages in a channel, oldest first (ephemeral ones included, marked `ephemeral_user_id`)."""
        return self.state.messages_in(channel_id, include_deleted=include_deleted)

    def message(self, message_id: int) -> MessageRecord:
        return self.state.messages[message_id]

    def dm_messages(self, user_id: int) -> list[MessageRecord]:
        channel_id = self.state.dm_channel_by_user.get(user_id)
        return self.channel_messages(channel_id) if channel_id is not None else []

    def commands(self, guild_id: int | None = None) -> list[AppCommand]:
        """Registered commands in a scope (global when guild_id is None)."""
        return [c for c in self.state.commands.values() if c.guild_id == guild_id]

    def calls_to(self, route: str) -> list[CallRecord]:
        """Calls for a route key such as "PATCH /channels/{channel_id}/messages/{message_id}"."""
        return [c for c in self.calls if c.route == route]

    @property
    def sent_429(self) -> int:
        return self.rate_limits.sent_429

    def problems(self) -> list[str]:
        """Everything a test should fail on: spec violations, requests the emulator could not serve,
        its own errors, and gateway protocol errors."""
        return (
            [f"schema: {e}" for e in self.schema_errors]
            + [f"unhandled: {u}" for u in self.unhandled_requests]
            + [f"emulator error: {e}" for e in self.internal_errors]
            + [f"gateway: {e}" for e in self.gateway.protocol_errors]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "the bot sent requests Discord would reject:\n  " + "\n  ".join(problems)


async def _given_way(handle: InteractionHandle) -> InteractionHandle:
    """Let the bot read the interaction just sent before the test sends the next: members' clicks
    cost Discord's machines, not the bot's, and a test that sends a burst of 500 without giving way
    would spend the first clicks' 3 seconds building the last ones."""
    await asyncio.sleep(0)
    return handle
