"""Who a new meetup or poll message tells: one role, or @everyone / @here, as Discord lets the
organizer ping there. Checked before anything is stored; the post then pings exactly that."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.services.channel_rights import ChannelRights
from bot.services.errors import DomainError

MENTION_EVERYONE = 1 << 17  # Discord's Mention @everyone, @here, and All Roles
_ROLE_MENTION = re.compile(r"<@&(\d{15,20})>")
_EVERYONE = {"@everyone": "everyone", "everyone": "everyone", "@here": "here", "here": "here"}
QUOTED_MAX = 100  # of what was typed, in a refusal


@dataclass(frozen=True, slots=True)
class ServerRole:
    """What the ping rule needs of a role of the server."""

    id: int
    name: str
    mentionable: bool


@dataclass(frozen=True, slots=True)
class Announcement:
    """A role to tell (`role_id`), or `everyone` ("everyone" or "here")."""

    role_id: int | None = None
    everyone: str | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.role_id}>" if self.role_id is not None else f"@{self.everyone}"


def read_ping(typed: str | None, *, guild_id: int, roles: Sequence[ServerRole]) -> Announcement | None:
    """The `ping` option: a role (its mention, id or name) or @everyone / @here; None for none."""
    text = (typed or "").strip()
    if not text or text.lower() == "none":
        return None
    if text.lower() in _EVERYONE:
        return Announcement(everyone=_EVERYONE[text.lower()])
    found = _ROLE_MENTION.fullmatch(text)
    wanted_id = int(found[1]) if found else int(text) if text.isdigit() else None
    if wanted_id == guild_id:  # the @everyone role, picked by its id
        return Announcement(everyone="everyone")
    if wanted_id is not None:
        matches = [r for r in roles if r.id == wanted_id]
    else:
        name = text.removeprefix("@").casefold()
        matches = [r for r in roles if r.name.casefold() == name and r.id != guild_id]
    if len(matches) == 1:
        return Announcement(role_id=matches[0].id)
    quoted = text[:QUOTED_MAX]
    if matches:
        raise DomainError(
            f"More than one role is called `{quoted}`: pick one by its mention (type @ and choose it) "
            "in the `ping` option."
        )
    raise DomainError(
        f"I can't find a role `{quoted}` in this server. `ping` takes a role (type @ and choose it, "
        "or write its name), `@everyone` or `@here`."
    )


def require_may_announce(
    announcement: Announcement, *, rights: ChannelRights, roles: Sequence[ServerRole], what: str
) -> None:
    """As Discord's own rule: @everyone, @here and a role that is not mentionable need Mention
    Everyone in the channel, of the organizer (it is their announcement) and of the bot (it posts);
    a mentionable role anyone may ping."""
    if announcement.role_id is not None:
        role = next((r for r in roles if r.id == announcement.role_id), None)
        if role is None:
            raise DomainError(
                f"The role <@&{announcement.role_id}> to ping no longer exists in this server. Nothing was posted; "
                f"post the {what} without `ping`, or with another role."
            )
        if role.mentionable:
            return
        target = f"the role <@&{announcement.role_id}>, which is not mentionable,"
    else:
        target = f"@{announcement.everyone}"
    if not rights.member_permissions & MENTION_EVERYONE:
        raise DomainError(
            f"You can't ping {target} in {rights.mention}: that needs the Mention @everyone, @here and "
            f"All Roles permission there. Nothing was posted; ping a mentionable role, or post the {what} "
            "without `ping`."
        )
    if not rights.bot_permissions & MENTION_EVERYONE:
        raise DomainError(
            f"I can't ping {target} in {rights.mention}: I'm missing Mention @everyone, @here and All Roles "
            f"there. Nothing was posted; ping a mentionable role, or post the {what} without `ping`."
        )


class KeepsAnnouncement(Protocol):
    """A meetup or poll: who its post tells is kept with it."""

    ping_role_id: int | None
    ping_everyone: str | None


def keep_announcement(record: KeepsAnnouncement, announcement: Announcement | None) -> None:
    """Keep who the post tells with the record, in the transaction that makes it: a post finished
    by the recovery sweep after a crash tells them too."""
    record.ping_role_id = announcement.role_id if announcement is not None else None
    record.ping_everyone = announcement.everyone if announcement is not None else None


def kept_announcement(record: KeepsAnnouncement) -> Announcement | None:
    if record.ping_role_id is None and record.ping_everyone is None:
        return None
    return Announcement(role_id=record.ping_role_id, everyone=record.ping_everyone)
