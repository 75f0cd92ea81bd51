"""Texts the bot posts in a channel, and the exact members each one pings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from discord.utils import escape_markdown, escape_mentions

from bot.db.models import Meetup
from bot.rendering.limits import MENTIONS_PER_MESSAGE, MESSAGE_CONTENT, shorten
from bot.rendering.time_format import full_and_relative


@dataclass(frozen=True, slots=True)
class Post:
    """One channel message: its content and the users it is allowed to ping (no one else)."""

    content: str
    ping_user_ids: tuple[int, ...] = ()


def safe_title(meetup: Meetup) -> str:
    """The title as plain text inside a message: no markdown, no mention syntax."""
    return escape_mentions(escape_markdown(shorten(meetup.title, 200)))


def with_mentions(header: str, user_ids: Sequence[int]) -> list[Post]:
    """`header` followed by mentions of `user_ids`, split over as many posts as Discord needs."""
    if not user_ids:
        return [Post(header)]
    posts: list[Post] = []
    batch: list[int] = []
    for user_id in user_ids:
        candidate = [*batch, user_id]
        text = _mention_text(header if not posts else "", candidate)
        if len(candidate) > MENTIONS_PER_MESSAGE or len(text) > MESSAGE_CONTENT:
            posts.append(Post(_mention_text(header if not posts else "", batch), tuple(batch)))
            batch = [user_id]
        else:
            batch = candidate
    posts.append(Post(_mention_text(header if not posts else "", batch), tuple(batch)))
    return posts


def _mention_text(header: str, user_ids: Sequence[int]) -> str:
    mentions = " ".join(f"<@{uid}>" for uid in user_ids)
    return f"{header}\n{mentions}" if header else mentions


def promotions_notice(meetup: Meetup, user_ids: Sequence[int], link: str | None) -> list[Post]:
    """One notice for everyone moved from the waitlist at once, pinging exactly them (split only
    past Discord's mention and length limits)."""
    where = f" ({link})" if link else ""
    seats = "A seat" if len(user_ids) == 1 else f"{len(user_ids)} seats"
    return with_mentions(f"{seats} opened up: you're now going to **{safe_title(meetup)}**{where}.", user_ids)


def time_change_notice(meetup: Meetup, user_ids: Sequence[int], link: str | None) -> list[Post]:
    where = f" {link}" if link else ""
    header = f"**{safe_title(meetup)}** has a new time: {full_and_relative(meetup.starts_at)}.{where}"
    return with_mentions(header, user_ids)


def cancellation_notice(meetup: Meetup, user_ids: Sequence[int], link: str | None) -> list[Post]:
    reason = f" Reason: {escape_mentions(shorten(meetup.cancel_reason, 500))}" if meetup.cancel_reason else ""
    where = f" {link}" if link else ""
    header = f"**{safe_title(meetup)}** ({full_and_relative(meetup.starts_at)}) is cancelled.{reason}{where}"
    return with_mentions(header, user_ids)


def message_gone_notice(meetup: Meetup, *, channel_gone: bool) -> str:
    """To the organizer, by DM, once: the meetup's message (or its channel) was deleted."""
    number, title = f"#{meetup.id}", safe_title(meetup)
    if channel_gone:
        return (
            f"The channel of meetup {number} (**{title}**) was deleted, and its message with it. The meetup "
            "keeps its answers; its reminders can't be posted until it has a channel again. Post it in "
            f"another channel with `/meetup repost meetup:{meetup.id} channel:…`."
        )
    return (
        f"The message of meetup {number} (**{title}**) in <#{meetup.channel_id}> was deleted. The meetup keeps "
        "its answers, and its reminders are still posted there (without a link). Post the message again "
        f"with its answers: `/meetup repost meetup:{meetup.id}`."
    )
