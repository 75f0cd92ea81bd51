"""Shaping the world from outside the bot: guilds, channels, roles, members, and the changes a server's
admins make (deleting a channel, changing roles or overwrites), each announced like Discord would."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .events import (
    Intent,
    guild_create_payload,
    member_update_payload,
    role_event_payload,
)
from .gateway import Gateway
from .messages import MessageService
from .models import Channel, ChannelType, Guild, Member, Role, User
from .payloads import channel_payload, user_payload
from .permissions import DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Overwrite
from .snowflakes import utc_now
from .state import EmulatorState


class World:
    def __init__(self, state: EmulatorState, gateway: Gateway, messages: MessageService) -> None:
        self.state = state
        self.gateway = gateway
        self.messages = messages

    # -- creation ---------------------------------------------------------------------------------
    def create_user(
        self,
        username: str,
        *,
        global_name: str | None = None,
        accepts_dms: bool = True,
        locale: str = "en-US",
        bot: bool = False,
    ) -> User:
        user = User(
            id=self.state.ids.next(),
            username=username,
            global_name=global_name,
            accepts_dms=accepts_dms,
            locale=locale,
            bot=bot,
        )
        self.state.users[user.id] = user
        return user

    def create_guild(
        self,
        name: str = "Meetup Community",
        *,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        preferred_locale: str = "en-US",
        owner_username: str = "server-owner",
    ) -> Guild:
        """A server with @everyone, the owner and the bot (whose managed role carries `bot_permissions`)."""
        state = self.state
        guild_id = state.ids.next()
        owner = self.create_user(owner_username)
        guild = Guild(
            id=guild_id,
            name=name,
            owner_id=owner.id,
            bot_joined_at=utc_now(),
            preferred_locale=preferred_locale,
        )
        guild.roles[guild_id] = Role(
            id=guild_id, guild_id=guild_id, name="@everyone", permissions=everyone_permissions, position=0
        )
        bot_role = Role(
            id=state.ids.next(),
            guild_id=guild_id,
            name=state.bot_user.global_name or "bot",
            permissions=bot_permissions,
            position=1,
            managed=True,
            bot_id=state.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[owner.id] = Member(guild_id, owner.id, [], utc_now())
        guild.members[state.bot_user.id] = Member(guild_id, state.bot_user.id, [bot_role.id], guild.bot_joined_at)
        state.guilds[guild_id] = guild
        self._announce_guild(guild)
        return guild

    def _announce_guild(self, guild: Guild) -> None:
        """A guild made while the bot is connected arrives as GUILD_CREATE (the bot "joined" it)."""
        for session in self.gateway.sessions.values():
            if not session.owns_guild(guild.id) or not session.intents & Intent.GUILDS:
                continue
            body = guild_create_payload(
                self.state, guild, intents=session.intents, large_threshold=session.large_threshold
            )
            frame = session.frame("GUILD_CREATE", json.dumps(body))
            if session.connection is not None:
                session.connection.send(frame)
        self.state.changes.touch()

    def create_channel(
        self,
        guild_id: int,
        name: str,
        *,
        kind: int = ChannelType.GUILD_TEXT,
        parent_id: int | None = None,
        topic: str | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> Channel:
        guild = self.state.guild(guild_id)
        channel = Channel(
            id=self.state.ids.next(),
            type=kind,
            guild_id=guild_id,
            name=name,
            position=len(guild.channel_ids),
            parent_id=parent_id,
            topic=topic,
            overwrites=list(overwrites),
        )
        self.state.channels[channel.id] = channel
        guild.channel_ids.append(channel.id)
        self.gateway.dispatch("CHANNEL_CREATE", channel_payload(self.state, channel), guild_id=guild_id)
        return channel

    def create_role(
        self,
        guild_id: int,
        name: str,
        *,
        permissions: int = 0,
        mentionable: bool = False,
        color: int = 0,
        hoist: bool = False,
        below_bot: bool = False,
    ) -> Role:
        guild = self.state.guild(guild_id)
        if below_bot:  # at the bottom, just above @everyone, as Discord places new roles
            for other in guild.roles.values():
                if other.id != guild_id:
                    other.position += 1
        role = Role(
            id=self.state.ids.next(),
            guild_id=guild_id,
            name=name,
            permissions=permissions,
            position=1 if below_bot else len(guild.roles),
            color=color,
            mentionable=mentionable,
            hoist=hoist,
        )
        guild.roles[role.id] = role
        self.gateway.dispatch("GUILD_ROLE_CREATE", role_event_payload(self.state, guild_id, role.id), guild_id=guild_id)
        return role

    def add_member(self, guild_id: int, user: User, *, role_ids: Iterable[int] = (), nick: str | None = None) -> Member:
        guild = self.state.guild(guild_id)
        for role_id in role_ids:
            self.state.role(guild_id, role_id)
        member = Member(guild_id, user.id, list(role_ids), utc_now(), nick=nick)
        guild.members[user.id] = member
        self.gateway.dispatch(
            "GUILD_MEMBER_ADD", member_update_payload(self.state, guild_id, user.id), guild_id=guild_id
        )
        return member

    # -- changes made by the server's admins ------------------------------------------------------
    def set_member_roles(self, guild_id: int, user_id: int, role_ids: Iterable[int]) -> Member:
        member = self.state.member(guild_id, user_id)
        for role_id in role_ids:
            self.state.role(guild_id, role_id)
        member.role_ids = list(role_ids)
        # The bot always hears about changes to its own member, with or without GUILD_MEMBERS.
        self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE",
            member_update_payload(self.state, guild_id, user_id),
            guild_id=guild_id,
            always=user_id == self.state.bot_user.id,
        )
        return member

    def set_role_permissions(self, guild_id: int, role_id: int, permissions: int) -> Role:
        role = self.state.role(guild_id, role_id)
        role.permissions = permissions
        self.gateway.dispatch("GUILD_ROLE_UPDATE", role_event_payload(self.state, guild_id, role_id), guild_id=guild_id)
        return role

    def set_channel_overwrite(
        self,
        channel_id: int,
        target_id: int,
        *,
        allow: int = 0,
        deny: int = 0,
        target_type: int | None = None,
    ) -> Channel:
        """Set (allow=deny=0: remove) a role's or member's overwrite; the type is inferred if not given."""
        channel = self.state.channel(channel_id)
        assert channel.guild_id is not None, "overwrites exist only in guild channels"
        guild = self.state.guild(channel.guild_id)
        kind = target_type if target_type is not None else (0 if target_id in guild.roles else 1)
        channel.overwrites = [o for o in channel.overwrites if (o.type, o.target_id) != (kind, target_id)]
        if allow or deny:
            channel.overwrites.append(Overwrite(target_id=target_id, type=kind, allow=allow, deny=deny))
        self.gateway.dispatch("CHANNEL_UPDATE", channel_payload(self.state, channel), guild_id=channel.guild_id)
        return channel

    def delete_channel(self, channel_id: int) -> None:
        channel = self.state.channel(channel_id)
        channel.deleted = True
        if channel.is_thread:
            data = {"id": str(channel.id), "guild_id": str(channel.guild_id), "parent_id": str(channel.parent_id)}
            self.gateway.dispatch("THREAD_DELETE", {**data, "type": channel.type}, guild_id=channel.guild_id)
            return
        self.gateway.dispatch("CHANNEL_DELETE", channel_payload(self.state, channel), guild_id=channel.guild_id)

    def start_thread(self, channel_id: int, message_id: int, name: str, *, by: int) -> Channel:
        """A member starts a public thread on a message (THREAD_CREATE), as the client does."""
        parent = self.state.channel(channel_id)
        message = self.state.message(channel_id, message_id)
        thread = Channel(
            id=message.id,
            type=ChannelType.PUBLIC_THREAD,
            guild_id=parent.guild_id,
            name=name,
            parent_id=parent.id,
            owner_id=by,
            thread_member_ids=[by],
        )
        self.state.channels[thread.id] = thread
        self.gateway.dispatch("THREAD_CREATE", channel_payload(self.state, thread), guild_id=thread.guild_id)
        return thread

    def leave_thread(self, thread_id: int, user_id: int) -> None:
        """A member leaves a thread themselves (as the client's Leave Thread does)."""
        thread = self.state.channel(thread_id)
        if user_id in thread.thread_member_ids:
            thread.thread_member_ids.remove(user_id)
            data = {"id": str(thread.id), "guild_id": str(thread.guild_id), "removed_member_ids": [str(user_id)]}
            self.gateway.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {**data, "member_count": len(thread.thread_member_ids)},
                guild_id=thread.guild_id,
            )

    def delete_message(self, channel_id: int, message_id: int) -> None:
        self.messages.delete(self.state.message(channel_id, message_id))

    def remove_member(self, guild_id: int, user_id: int) -> None:
        guild = self.state.guild(guild_id)
        guild.members.pop(user_id, None)
        data = {"guild_id": str(guild_id), "user": user_payload(self.state.user(user_id))}
        self.gateway.dispatch("GUILD_MEMBER_REMOVE", data, guild_id=guild_id)
