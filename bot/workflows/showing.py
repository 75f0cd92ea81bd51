"""Showing organizers' changes to members: the message redrawn, the notices posted, with what
became of each, so that the organizer's answer can say it truthfully."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.db.models import Meetup
from bot.publishing.meetup_messages import Redrawn, Shown, delivered_within
from bot.rendering.notices import Post

if TYPE_CHECKING:
    from bot.runtime import Runtime

# How long the organizer's answer waits for the notices to go out before saying they are on their
# way: a channel at Discord's rate limit (5 posts per 5 seconds) can hold a notice for seconds.
NOTICE_WAIT = 1.5


async def redraw_for_organizer(runtime: Runtime, meetup: Meetup) -> Redrawn:
    """The meetup's message redrawn now; when Discord had trouble of its own, once more shortly
    (the organizer cannot ask again: the change is already saved)."""
    message = await runtime.meetup_messages.show(meetup.id)
    if message.shown is Shown.REFUSED and message.status is not None and message.status >= 500:
        runtime.meetup_messages.refresh(meetup.id)
    return message


async def tell(runtime: Runtime, meetup: Meetup, posts: Sequence[Post]) -> bool | None:
    """Post notices in the meetup's channel: whether they all went out within NOTICE_WAIT, None if
    they are still on their way."""
    sending = runtime.meetup_messages.announce_soon(meetup.channel_id, meetup.guild_id, posts)
    return await delivered_within(sending, NOTICE_WAIT)
