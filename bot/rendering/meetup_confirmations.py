"""The organizer's private answers to creating, editing and cancelling a meetup: what changed, and
what members were shown and told of it, truthfully (a refused edit or notice is said as such)."""

from __future__ import annotations

from datetime import datetime

from bot.db.models import Meetup
from bot.publishing.meetup_messages import Redrawn, Shown
from bot.rendering.notices import safe_title
from bot.rendering.time_format import full_and_relative
from bot.services.meetups import MeetupCancellation, MeetupChange
from bot.services.time_parsing import ParsedTime

MESSAGE_GONE = (
    "Its message (or channel) was deleted, so members don't see it there any more and were not notified; "
    "post a new meetup with `/meetup create` if they should."
)
# Said when the organizer's answer could not wait for the notice any longer. discord.py also holds a
# post that used the last of the channel's allowance until the allowance renews, so the notice may
# in fact be out already.
ON_ITS_WAY = "The notice can take a few seconds: Discord limits how fast I may post in the channel."
REFUSED = "Discord refused the notice in the channel; check that I may post there."

_FIELD_NAMES = {
    "title": "title",
    "description": "description",
    "location": "place",
    "starts_at": "time",
    "ends_at": "end",
    "capacity": "capacity",
    "timezone": "time zone",
    "reminders": "reminders",
    "answers_close_at": "answer cut-off",
    "guests": "guests",
}


def render_created(meetup_id: int, starts_at: datetime, zone: str, link: str | None) -> str:
    typed_zone = ParsedTime(starts_at, zone).readable()
    return (
        f"Meetup #{meetup_id} is posted: {link}\n"
        f"It starts {full_and_relative(starts_at)} in your time, which is {typed_zone}. "
        "If that is not the time you meant, fix it with `/meetup edit`."
    )


def render_edit_summary(change: MeetupChange, *, message: Redrawn, delivered: bool | None) -> str:
    """The organizer's answer to an edit: it says members were told only when the notice went out."""
    edited = change.meetup
    changed = ", ".join(
        _FIELD_NAMES.get(f, f)
        for f in change.changed_fields
        if f != "ends_at" or "starts_at" not in change.changed_fields
    )
    summary = f"Meetup #{edited.id} updated ({changed}). It starts {full_and_relative(edited.starts_at)}."
    shown = message.shown is not Shown.GONE
    told = {True: "were told", None: "are being told", False: "could not be told"}[delivered]
    if change.promoted_user_ids:
        promoted = len(change.promoted_user_ids)
        summary += f" {promoted} members moved from the waitlist to going"
        summary += f" and {told}." if shown else " in the meetup's list."
    if change.time_changed and shown:
        summary += f" {len(change.notify_user_ids)} members going or maybe {told} of the new time."
    if not shown:
        return f"{summary} {MESSAGE_GONE}"
    if change.promoted_user_ids or change.time_changed:
        summary += {True: "", None: f" {ON_ITS_WAY}", False: f" {REFUSED}"}[delivered]
    return summary + _not_updated(edited, message)


def render_nothing_to_change(meetup_id: int) -> str:
    return f"Nothing to change in meetup #{meetup_id}."


def render_cancelled(cancellation: MeetupCancellation, *, message: Redrawn, delivered: bool | None) -> str:
    cancelled = cancellation.meetup
    count = len(cancellation.notify_user_ids)
    if message.shown is Shown.GONE:
        return f"Meetup #{cancelled.id} is cancelled. {MESSAGE_GONE}"
    if delivered is None:
        told = f"{count} members who answered are being told. {ON_ITS_WAY}"
    elif delivered:
        told = f"{count} members who answered were told."
    else:
        told = f"the {count} members who answered could not be told. {REFUSED}"
    return f"Meetup #{cancelled.id} is cancelled; {told}" + _not_updated(cancelled, message)


def _not_updated(meetup: Meetup, message: Redrawn) -> str:
    """Said when the change is saved but its message could not show it."""
    if message.shown is not Shown.REFUSED:
        return ""
    if message.status == 403:
        return (
            f" Discord did not let me update its message in <#{meetup.channel_id}>, so members still see it "
            "as it was; give me View Channel there, and the next answer or change brings it up to date."
        )
    if message.status is not None and message.status >= 500:
        return (
            f" Discord could not update its message just now (error {message.status}), so members may still "
            "see it as it was for a moment; I'll try again shortly."
        )
    return f" Discord refused to update its message (error {message.status}), so members may still see it as it was."


def render_reposted(meetup: Meetup, link: str | None) -> str:
    where = f": {link}" if link else ""
    return (
        f"Meetup #{meetup.id} (**{safe_title(meetup)}**) is posted again in <#{meetup.channel_id}>{where}, "
        "with its answers. Nobody was pinged."
    )
