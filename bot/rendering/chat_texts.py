"""What chat requests say: the request to whoever must answer, the answers each side reads, the
private posts for members whose DMs are closed, the reminder, and `/meetup chats`. Names and
topics are shown as plain text (no markdown, no mentions); every text fits one message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from discord.utils import escape_markdown, escape_mentions
from icalendar import Calendar, Event

from bot.db.models import ChatRequest, ChatState
from bot.rendering.calendar import PRODUCT_ID
from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.rendering.time_format import full_and_relative, full_time, relative_time
from bot.services.chat_times import instants_from_storage
from bot.services.chats import REMIND_BEFORE, name_of, other_party

NAME_SHOWN = 100
TOPIC_SHOWN = 200
LATE_NOTE = "(This reminder is late: the bot was away when it was due.)"
PRIVATE_HINT = "only you can open it"
LAPSED = "This chat request lapsed without an answer."


def plain(text: str, limit: int) -> str:
    return escape_mentions(escape_markdown(shorten(" ".join(text.split()), limit)))


def other_name(request: ChatRequest, reader_id: int) -> str:
    return plain(name_of(request, other_party(request, reader_id)), NAME_SHOWN)


def _topic_line(request: ChatRequest) -> str:
    return f"\nTopic: {plain(request.topic, TOPIC_SHOWN)}" if request.topic else ""


def _lapse_note(request: ChatRequest) -> str:
    why = "when the gathering ends" if request.gathering_id is not None else "a week after it was asked"
    return f"Without an answer it lapses {relative_time(request.expires_at)} ({why})."


def request_text(request: ChatRequest) -> str:
    """The request as the member awaited reads it, with its buttons below."""
    reader = request.awaiting_id
    other = other_name(request, reader)
    times = instants_from_storage(request.proposed)
    if reader == request.asker_id:
        head = f"**{other}** proposed another time for the chat you asked for ({request.duration_minutes} minutes):"
    else:
        head = f"**{other}** would like a one-to-one chat with you ({request.duration_minutes} minutes)."
    if not times:
        body = "No time proposed: **Accept** to choose one, or **Propose another time**."
    elif len(times) == 1:
        body = f"Time proposed: {full_and_relative(times[0])}"
    else:
        body = "Times proposed (**Accept** to pick one):\n" + "\n".join(
            f"{n}. {full_and_relative(t)}" for n, t in enumerate(times, start=1)
        )
    return shorten(f"{head}{_topic_line(request)}\n{body}\n{_lapse_note(request)}", MESSAGE_CONTENT)


def accepted_text(request: ChatRequest, reader_id: int) -> str:
    assert request.starts_at is not None
    other = other_name(request, reader_id)
    remind = (
        f"I'll remind you {int(REMIND_BEFORE.total_seconds() // 60)} minutes before. "
        if request.reminder_due_at is not None
        else ""
    )
    return shorten(
        f"Your chat with **{other}** is on: {full_and_relative(request.starts_at)}, for "
        f"{request.duration_minutes} minutes.{_topic_line(request)}\n"
        f"{remind}Can't make it? **Cancel chat** below, and I'll tell {other}. The calendar file is attached.",
        MESSAGE_CONTENT,
    )


def declined_text(request: ChatRequest, reader_id: int) -> str:
    """For the one whose request (or proposed time) was declined: no reason, whatever it was."""
    return f"**{other_name(request, reader_id)}** can't take this chat."


def cancelled_text(request: ChatRequest, reader_id: int) -> str:
    assert request.starts_at is not None
    return f"**{other_name(request, reader_id)}** cancelled your chat of {full_time(request.starts_at)}."


def expired_text(request: ChatRequest) -> str:
    """For the one left waiting: the asker, or the member whose proposed time the asker never answered."""
    waiting = lapse_reader(request)
    if waiting == request.asker_id:
        return f"Your chat request to **{other_name(request, waiting)}** lapsed without an answer."
    return f"The time you proposed to **{other_name(request, waiting)}** for a chat lapsed without an answer."


def lapse_reader(request: ChatRequest) -> int:
    """Who is told that a request lapsed: whoever waited for the other's answer."""
    return other_party(request, request.awaiting_id)


def reminder_text(request: ChatRequest, reader_id: int, *, late: bool) -> str:
    assert request.starts_at is not None
    text = (
        f"Reminder: your chat with **{other_name(request, reader_id)}** starts {relative_time(request.starts_at)} "
        f"({full_time(request.starts_at)}).{_topic_line(request)}"
    )
    return shorten(f"{text}\n{LATE_NOTE}" if late else text, MESSAGE_CONTENT)


def state_text(request: ChatRequest, reader_id: int) -> str:
    """What a member who opens a request sees when it is not theirs to answer now."""
    if request.state == ChatState.ACCEPTED:
        return accepted_text(request, reader_id)
    if request.state == ChatState.OPEN:
        return f"This chat request is waiting for **{other_name(request, reader_id)}** to answer."
    if request.state == ChatState.DECLINED:
        return (
            "This chat request was declined." if request.closed_by == reader_id else declined_text(request, reader_id)
        )
    if request.state == ChatState.CANCELLED:
        return "This chat was cancelled."
    return LAPSED


# -- posts in the channel, for a member whose DMs are closed: nothing but the mention and a hint --
def request_post(user_id: int) -> str:
    return f"<@{user_id}>, you have a chat request — {PRIVATE_HINT}."


def news_post(user_id: int) -> str:
    return f"<@{user_id}>, there is news about your chat request — {PRIVATE_HINT}."


def reminder_post(user_id: int, request: ChatRequest) -> str:
    assert request.starts_at is not None
    return f"<@{user_id}>, your chat starts {relative_time(request.starts_at)} — {PRIVATE_HINT}."


# -- answers to the member who acted --
def answered_text(request: ChatRequest, by: int, *, blocked: bool = False) -> str:
    other = other_name(request, by)
    if request.state == ChatState.ACCEPTED:
        assert request.starts_at is not None
        when = full_and_relative(request.starts_at)
        return f"Done: your chat with **{other}** is on for {when}. I've sent you both the details."
    if request.state == ChatState.OPEN:
        [time] = instants_from_storage(request.proposed)
        return f"I've proposed {full_and_relative(time)} to **{other}**; I'll tell you their answer."
    if request.state == ChatState.CANCELLED:
        return f"Your chat with **{other}** is cancelled; I've told them."
    text = f"You declined the chat with **{other}**."
    if blocked:
        text += " You'll get no more chat requests from them in this server (`/meetup notify unblock:` undoes that)."
    return text


def asked_text(request: ChatRequest, *, by_dm: bool) -> str:
    where = "by DM" if by_dm else "in this channel, privately (their DMs are closed)"
    times = len(request.proposed)
    proposed = f" with {times} proposed time{'s' if times != 1 else ''}" if times else ""
    return (
        f"I've sent **{other_name(request, request.asker_id)}** your chat request{proposed}, {where}. "
        f"I'll tell you their answer. {_lapse_note(request)}"
    )


# -- /meetup chats --
def chat_list_text(open_requests: Sequence[ChatRequest], accepted: Sequence[ChatRequest], reader_id: int) -> str:
    lines: list[str] = []
    if accepted:
        lines.append("**Accepted chats**")
        for request in accepted:
            assert request.starts_at is not None
            lines.append(f"• With **{other_name(request, reader_id)}**: {full_and_relative(request.starts_at)}")
    if open_requests:
        lines.append("**Chat requests waiting for an answer**")
        for request in open_requests:
            other = other_name(request, reader_id)
            direction = "To" if request.asker_id == reader_id else "From"
            turn = "waiting for you" if request.awaiting_id == reader_id else "waiting for them"
            lines.append(f"• {direction} **{other}**: {turn} (lapses {relative_time(request.expires_at)})")
    if not lines:
        return "You have no chat requests waiting and no accepted chats to come."
    return _fit_lines(lines)


def _fit_lines(lines: list[str]) -> str:
    shown: list[str] = []
    for index, line in enumerate(lines):
        left = len(lines) - index
        candidate = "\n".join([*shown, line])
        tail = f"\n…and {left - 1} more lines." if left > 1 else ""
        if len(candidate) + len(tail) > MESSAGE_CONTENT:
            more = f"…and {left} more lines."
            return "\n".join([*shown, more])
        shown.append(line)
    return "\n".join(shown)


def render_chat_ics(request: ChatRequest, reader_id: int, *, now: datetime) -> bytes:
    """One event, the same UID for both members (and for an update of the same chat)."""
    assert request.starts_at is not None
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"chat-{request.id}-{request.guild_id}@meetup-bot")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", request.starts_at.astimezone(UTC))
    event.add("dtend", (request.starts_at + timedelta(minutes=request.duration_minutes)).astimezone(UTC))
    event.add("summary", f"Chat with {shorten(name_of(request, other_party(request, reader_id)), NAME_SHOWN)}")
    if request.topic:
        event.add("description", request.topic)
    event.add("status", "CANCELLED" if request.state == ChatState.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def chat_ics_filename(request: ChatRequest) -> str:
    return f"chat-{request.id}.ics"
