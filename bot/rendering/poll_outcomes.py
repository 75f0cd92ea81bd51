"""What finalizing or closing a poll says: the notice to the voters of the chosen time, and the
organizer's private answers, which say members were told only when they were."""

from __future__ import annotations

import discord

from bot.db.models import Meetup, Poll, PollStatus
from bot.publishing.meetup_messages import Shown
from bot.publishing.poll_messages import ClosingShown
from bot.rendering.meetup_confirmations import ON_ITS_WAY, REFUSED
from bot.rendering.notices import Post, with_mentions
from bot.rendering.poll_embed import carried_over
from bot.rendering.time_format import full_and_relative
from bot.services.poll_finalize import Finalized


def finalized_notice(meetup: Meetup, user_ids: tuple[int, ...], link: str | None) -> list[Post]:
    """The voters of the chosen time hear once that it is set, pinged by name and nobody else."""
    header = (
        f"**{discord.utils.escape_markdown(meetup.title)}** is set for {full_and_relative(meetup.starts_at)}: "
        f"{link}\nYou chose this time in the poll; your answer is carried over."
    )
    return with_mentions(header, user_ids)


def render_finalized(poll_id: int, meetup: Meetup, link: str | None, done: Finalized, delivered: bool | None) -> str:
    answer = f"Poll #{poll_id} is now meetup #{meetup.id}: {link}\n"
    voters = len(done.notify_user_ids)
    if not voters or delivered:
        return answer + carried_over(done)
    who = "1 voter of that time was" if voters == 1 else f"{voters} voters of that time were"
    if delivered is None:
        return answer + f"{who} carried over as answers and {'is' if voters == 1 else 'are'} being told. {ON_ITS_WAY}"
    return answer + f"{who} carried over as answers but could not be told. {REFUSED}"


def render_not_closed(poll: Poll) -> str:
    if poll.status == PollStatus.FINALIZED:
        return f"Poll #{poll.id} is already finalized as meetup #{poll.meetup_id}."
    return f"Poll #{poll.id} is already closed."


def render_poll_closed(poll_id: int, shown: ClosingShown) -> str:
    """Voting has stopped either way; what members see of it depends on what Discord took."""
    if shown.message.shown is Shown.GONE:
        if shown.summary_posted:
            return f"Poll #{poll_id} is closed. Its message was deleted; the results summary is posted in the channel."
        return f"Poll #{poll_id} is closed. Its message (or channel) was deleted, so members don't see it there."
    answer = f"Poll #{poll_id} is closed; its results stay visible."
    if shown.message.shown is Shown.REFUSED:
        answer = (
            f"Poll #{poll_id} is closed: votes are no longer taken, but Discord refused to update its message "
            f"(error {shown.message.status}), so its menus may still look open."
        )
    if not shown.summary_posted:
        answer += " Discord refused the results summary in the channel; check that I may post there."
    return answer
