"""The buttons and menus under the bot's messages, as pure functions of what they act on.

Their custom ids carry the ids, so a click works after a restart: `bot/ui` matches the same
prefixes with its persistent items and handles the click. Drawing them here keeps publishing
free of the click handlers (which need the running bot), and the ids in one place.
"""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord.ui import Button, Select, UserSelect

from bot.db.models import FollowupPlan, PollStatus, VoteKind
from bot.rendering.poll_embed import option_label
from bot.services.attendance import MOST_MARKED_AT_ONCE
from bot.services.lifecycle import Action, Phase, allows
from bot.services.poll_tallies import PollResults, PollSummary
from bot.services.rsvps import Answer

RSVP_PREFIX = "meetup:rsvp"
CALENDAR_PREFIX = "meetup:ics"
EVERY_TIME_PREFIX = "meetup:every"
CHECK_IN_PREFIX = "meetup:here"
GUESTS_PREFIX = "meetup:guests"
UNDO_PREFIX = "meetup:undo"
VOTE_PREFIX = "poll:vote"
CLEAR_PREFIX = "poll:clear"
RESULTS_PREFIX = "poll:results"

PostKind = Literal["meetup", "poll"]

_LABELS = {Answer.GOING: "Going", Answer.MAYBE: "Maybe", Answer.DECLINED: "Can't go"}
_STYLES = {
    Answer.GOING: discord.ButtonStyle.success,
    Answer.MAYBE: discord.ButtonStyle.secondary,
    Answer.DECLINED: discord.ButtonStyle.danger,
}
_EMOJIS = {Answer.GOING: "✅", Answer.MAYBE: "🤔", Answer.DECLINED: "❌"}
REACTION_ANSWERS = {emoji: answer for answer, emoji in _EMOJIS.items()}
_PLACEHOLDERS = {VoteKind.YES: "✅ Works for me", VoteKind.IF_NEED_BE: "🤷 If need be"}


def answer_for_reaction(emoji: str) -> Answer | None:
    return REACTION_ANSWERS.get(emoji)


def reaction_for(answer: Answer) -> str:
    return _EMOJIS[answer]


def rsvp_button(meetup_id: int, answer: Answer, *, disabled: bool = False) -> Button[Any]:
    return Button(
        label=_LABELS[answer],
        style=_STYLES[answer],
        emoji=_EMOJIS[answer],
        custom_id=f"{RSVP_PREFIX}:{meetup_id}:{answer.value}",
        disabled=disabled,
    )


def every_time_button(meetup_id: int, *, disabled: bool = False) -> Button[Any]:
    """A recurring meetup's: Going to every later meetup of the series (its reply says so)."""
    return Button(
        label="Every time",
        style=discord.ButtonStyle.secondary,
        emoji="🔁",
        custom_id=f"{EVERY_TIME_PREFIX}:{meetup_id}",
        disabled=disabled,
    )


def guests_select(meetup_id: int, guests: int, *, disabled: bool = False) -> Select[Any]:
    """Going with a party: just me, or with up to `guests` guests (a meetup that allows any)."""
    options = [discord.SelectOption(label="Just me", value="0")]
    options += [
        discord.SelectOption(label=f"Me +{n}", value=str(n), description=f"Going with {n} guest{'s' if n > 1 else ''}")
        for n in range(1, guests + 1)
    ]
    return Select(
        custom_id=f"{GUESTS_PREFIX}:{meetup_id}",
        placeholder=f"👥 Guests: Going with up to {guests}",
        min_values=1,
        max_values=1,
        options=options,
        disabled=disabled,
    )


def calendar_button(meetup_id: int, *, disabled: bool = False) -> Button[Any]:
    return Button(
        label="Add to calendar",
        style=discord.ButtonStyle.primary,
        emoji="📅",
        custom_id=f"{CALENDAR_PREFIX}:{meetup_id}",
        disabled=disabled,
    )


def check_in_button(meetup_id: int, *, disabled: bool = False) -> Button[Any]:
    return Button(
        label="I'm here",
        style=discord.ButtonStyle.primary,
        emoji="📍",
        custom_id=f"{CHECK_IN_PREFIX}:{meetup_id}",
        disabled=disabled,
    )


def undo_button(kind: PostKind, number: int) -> Button[Any]:
    return Button(
        label="Undo", style=discord.ButtonStyle.secondary, emoji="↩️", custom_id=f"{UNDO_PREFIX}:{kind}:{number}"
    )


def vote_select(
    poll_id: int, kind: VoteKind, options: list[discord.SelectOption], *, disabled: bool = False
) -> Select[Any]:
    return Select(
        custom_id=f"{VOTE_PREFIX}:{poll_id}:{kind.value}",
        placeholder=_PLACEHOLDERS[kind],
        min_values=0,
        max_values=max(1, len(options)),
        options=options or [discord.SelectOption(label="-", value="0")],
        disabled=disabled,
    )


def clear_votes_button(poll_id: int, *, disabled: bool = False) -> Button[Any]:
    return Button(
        label="Clear my votes",
        style=discord.ButtonStyle.secondary,
        custom_id=f"{CLEAR_PREFIX}:{poll_id}",
        disabled=disabled,
    )


def results_button(poll_id: int) -> Button[Any]:
    return Button(label="Results", style=discord.ButtonStyle.primary, custom_id=f"{RESULTS_PREFIX}:{poll_id}")


def persistent_row(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    # A click is dispatched by the persistent items' templates; a stopped view is not also kept
    # in discord.py's per-message store, which would grow with every message ever posted.
    view.stop()
    return view


def meetup_view(meetup_id: int, *, phase: Phase, every_time: bool = False, guests: int = 0) -> discord.ui.View:
    """The row of buttons for where the meetup is, as the lifecycle allows: answers and the calendar
    until the end, "I'm here" from half an hour before the start (disabled once check-in closed);
    a cancelled meetup's buttons are all disabled. `every_time`: a meetup of a series that goes on
    after it gets "Every time" beside the answers (six buttons take two rows). `guests`: a meetup
    that lets members bring guests gets the Guests menu, on a row of its own."""
    ahead = allows(phase, Action.ANSWER)
    items: list[discord.ui.Item[Any]] = [rsvp_button(meetup_id, answer, disabled=not ahead) for answer in Answer]
    if every_time:
        items.append(every_time_button(meetup_id, disabled=not ahead))
    items.append(calendar_button(meetup_id, disabled=not ahead))
    if phase not in (Phase.SCHEDULED, Phase.CANCELLED):
        items.append(check_in_button(meetup_id, disabled=not allows(phase, Action.CHECK_IN)))
    if guests:
        items.append(guests_select(meetup_id, guests, disabled=not ahead))
    return persistent_row(*items)


def poll_view(results: PollResults | PollSummary) -> discord.ui.View:
    poll = results.poll
    closed = poll.status != PollStatus.OPEN
    options = [
        discord.SelectOption(label=option_label(t.option, poll.timezone), value=str(t.option.id))
        for t in results.options
    ]
    return persistent_row(
        vote_select(poll.id, VoteKind.YES, options, disabled=closed),
        vote_select(poll.id, VoteKind.IF_NEED_BE, options, disabled=closed),
        clear_votes_button(poll.id, disabled=closed),
        results_button(poll.id),
    )


def undo_view(kind: PostKind, number: int) -> discord.ui.View:
    return persistent_row(undo_button(kind, number))


ATTENDANCE_PREFIX = "meetup:attend"


def attendance_picker(meetup_id: int, *, present: bool) -> UserSelect[Any]:
    return UserSelect(
        placeholder="Mark present (up to 25)" if present else "Mark absent (up to 25)",
        min_values=1,
        max_values=MOST_MARKED_AT_ONCE,
        custom_id=f"{ATTENDANCE_PREFIX}:{meetup_id}:{'present' if present else 'absent'}",
    )


def attendance_view(meetup_id: int) -> discord.ui.View:
    return persistent_row(attendance_picker(meetup_id, present=True), attendance_picker(meetup_id, present=False))


FOLLOWUP_PREFIX = "meetup:followup"

FollowupChoice = Literal["create", "poll", "cancel"]
_FOLLOWUP_STYLES = {
    "create": discord.ButtonStyle.success,
    "poll": discord.ButtonStyle.primary,
    "cancel": discord.ButtonStyle.secondary,
}


def followup_button(plan_id: int, choice: FollowupChoice, *, label: str = "") -> Button[Any]:
    labels = {"create": "Create follow-up", "poll": "Open a poll", "cancel": "Cancel"}
    return Button(
        label=label or labels[choice], style=_FOLLOWUP_STYLES[choice], custom_id=f"{FOLLOWUP_PREFIX}:{plan_id}:{choice}"
    )


def followup_confirm_view(plan: FollowupPlan) -> discord.ui.View:
    """Create (when a time was given or proposed), a poll (when candidate times were given, or the
    proposal's poll has others, unless the follow-up repeats: a repeat needs one time), and Cancel."""
    items: list[discord.ui.Item[Any]] = []
    if plan.typed_options is not None:
        items.append(followup_button(plan.id, "poll"))
    else:
        items.append(followup_button(plan.id, "create"))
        if plan.proposed_at is not None and plan.typed_repeat is None:
            items.append(followup_button(plan.id, "poll", label="Poll instead"))
    items.append(followup_button(plan.id, "cancel"))
    return persistent_row(*items)
