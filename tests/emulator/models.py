"""The emulator's records of Discord objects. Plain data; rendering to JSON lives in payloads.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .mentions import Pings
from .permissions import Overwrite


class ChannelType:
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    ANNOUNCEMENT_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    GUILD_STAGE_VOICE = 13
    GUILD_FORUM = 15


THREAD_TYPES = (ChannelType.ANNOUNCEMENT_THREAD, ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD)


class MessageFlags:
    SUPPRESS_EMBEDS = 1 << 2
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_COMPONENTS_V2 = 1 << 15


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None
    discriminator: str = "0"
    locale: str = "en-US"
    accepts_dms: bool = True


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None


@dataclass
class Member:
    guild_id: int
    user_id: int
    role_ids: list[int]
    joined_at: dt.datetime
    nick: str | None = None
    flags: int = 0


@dataclass
class Channel:
    id: int
    type: int
    guild_id: int | None
    name: str | None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient_ids: list[int] = field(default_factory=list)
    last_message_id: int | None = None
    deleted: bool = False
    # A thread's own facts (the thread's parent is `parent_id`; one started from a message has its id).
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    archived_at: dt.datetime | None = None
    thread_member_ids: list[int] = field(default_factory=list)
    message_count: int = 0

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    bot_joined_at: dt.datetime
    preferred_locale: str = "en-US"
    description: str | None = None
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    scheduled_event_ids: list[int] = field(default_factory=list)
    features: list[str] = field(default_factory=list)


@dataclass
class Attachment:
    id: int
    filename: str
    content_type: str
    data: bytes
    description: str | None = None
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Reaction:
    """One emoji on a message, with the users who reacted in the order they did."""

    name: str
    emoji_id: int | None = None
    animated: bool = False
    user_ids: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return emoji_key(self.name, self.emoji_id)


def emoji_key(name: str, emoji_id: int | None) -> str:
    return f"{name}:{emoji_id}" if emoji_id else name


@dataclass
class MessageRecord:
    """A message as the emulator stores it, including what tests want to assert on (pings, edits)."""

    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    content: str = ""
    type: int = 0
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    tts: bool = False
    nonce: str | int | None = None
    message_reference: dict[str, Any] | None = None
    allowed_mentions: dict[str, Any] | None = None
    mention_everyone: bool = False
    pinged_user_ids: list[int] = field(default_factory=list)
    pinged_role_ids: list[int] = field(default_factory=list)
    # Who was notified: Discord pings when a message is created; an edit updates the mentions
    # above but notifies nobody again.
    notified: Pings | None = None
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    edited_at: dt.datetime | None = None
    edit_times: list[dt.datetime] = field(default_factory=list)
    deleted: bool = False
    reactions: dict[str, Reaction] = field(default_factory=dict)
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    ephemeral_user_id: int | None = None
    pinned: bool = False
    pinned_at: dt.datetime | None = None

    @property
    def edit_count(self) -> int:
        return len(self.edit_times)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MessageFlags.EPHEMERAL)


@dataclass
class ScheduledEvent:
    id: int
    guild_id: int
    name: str
    creator_id: int
    scheduled_start_time: str
    entity_type: int
    privacy_level: int = 2
    status: int = 1
    scheduled_end_time: str | None = None
    description: str | None = None
    channel_id: int | None = None
    entity_metadata: dict[str, Any] | None = None
    image: str | None = None
    recurrence_rule: dict[str, Any] | None = None
    deleted: bool = False


@dataclass
class AppCommand:
    """A registered application command; `definition` is the normalised request body."""

    id: int
    application_id: int
    guild_id: int | None
    version: int
    definition: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.definition["name"])

    @property
    def type(self) -> int:
        return int(self.definition.get("type") or 1)
