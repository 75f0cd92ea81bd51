"""A meetup's reminders as organizers read them: when, what, and what became of each."""

from __future__ import annotations

from collections.abc import Sequence

from bot.db.models import Meetup, Reminder, ReminderKind, ReminderState
from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.rendering.notices import safe_title
from bot.rendering.time_format import full_and_relative, full_time, message_link
from bot.services.reminder_offsets import describe_offsets

_STATE = {
    ReminderState.PENDING: "⏳ pending",
    ReminderState.SENDING: "📤 being posted",
    ReminderState.SENT: "✅ posted",
    ReminderState.SKIPPED: "⏭️ skipped",
    ReminderState.FAILED: "⚠️ failed",
}


def render_reminder_list(meetup: Meetup, rows: Sequence[Reminder]) -> str:
    head = f"Reminders of meetup #{meetup.id} **{safe_title(meetup)}** ({full_and_relative(meetup.starts_at)}):"
    if not rows:
        return f"{head}\nNone."
    lines = [head, *(_line(meetup, r) for r in rows)]
    return shorten("\n".join(lines), MESSAGE_CONTENT)


def _line(meetup: Meetup, reminder: Reminder) -> str:
    state = _STATE[reminder.state]
    if reminder.state == ReminderState.SENT:
        if reminder.late and reminder.sent_at is not None:
            state += f" late, at {full_time(reminder.sent_at)}"
        if reminder.message_id is not None:
            state += f" ({message_link(meetup.guild_id, meetup.channel_id, reminder.message_id)})"
    elif reminder.state == ReminderState.FAILED and reminder.attempts:
        state += f" after {reminder.attempts} attempt{'s' if reminder.attempts != 1 else ''}"
    if reminder.reason and reminder.state != ReminderState.SENT:
        state += f": {reminder.reason}"
    return f"- {full_time(reminder.due_at)} · {kind_label(reminder.kind, reminder.offset_minutes)} · {state}"


def kind_label(kind: ReminderKind, offset_minutes: int) -> str:
    match kind:
        case ReminderKind.BEFORE:
            return f"{describe_offsets((offset_minutes,))} before"
        case ReminderKind.STARTING:
            return "starting now"
        case ReminderKind.NUDGE:
            return f"nudge to Maybe, {describe_offsets((offset_minutes,))} before"
        case _:
            return "poll closing"
