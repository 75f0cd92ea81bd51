"""What chat requests say, over names and topics as long as the checks allow in every script: each
text, post and private reply is accepted by Discord's schema and limits without a cut on the way
out, names never turn into mentions or markdown, and a declined asker learns nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from bot.db.models import ChatRequest, ChatState
from bot.publishing.chat_messages import accepted_note, news_note, reminder_note, request_note
from bot.rendering.chat_components import open_button, open_view, pick_view, request_view
from bot.rendering.chat_texts import (
    answered_text,
    asked_text,
    cancelled_text,
    chat_list_text,
    declined_text,
    expired_text,
    render_chat_ics,
    state_text,
)
from bot.rendering.components import persistent_row
from bot.rendering.fitting import fit_interaction_response, fit_message
from bot.services.chat_times import instants_to_storage
from bot.services.chats import name_of
from tests.bot.rendering.scripts import single_line, typed
from tests.bot.rendering.wire_checks import (
    CHANNEL_MESSAGE,
    INTERACTION_RESPONSE,
    channel_message,
    private_reply,
    refusals,
)

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
ASKER, MEMBER = 101, 202


def chat(
    *,
    asker_name: str = "Minji",
    member_name: str = "Bruno",
    topic: str | None = None,
    times: int = 1,
    state: ChatState = ChatState.OPEN,
    awaiting: int = MEMBER,
    gathering: int | None = 3,
    request_id: int = 7,
) -> ChatRequest:
    proposed = [NOW + timedelta(hours=5 + n) for n in range(times)]
    starts = proposed[0] if proposed else NOW + timedelta(hours=3)
    return ChatRequest(
        id=request_id,
        guild_id=1,
        channel_id=2,
        gathering_id=gathering,
        asker_id=ASKER,
        member_id=MEMBER,
        asker_name=asker_name,
        member_name=member_name,
        topic=topic,
        timezone="America/Argentina/ComodRivadavia",
        duration_minutes=30,
        state=state,
        proposed=instants_to_storage(proposed),
        awaiting_id=awaiting,
        starts_at=starts if state in (ChatState.ACCEPTED, ChatState.CANCELLED) else None,
        reminder_due_at=starts - timedelta(minutes=15) if state == ChatState.ACCEPTED else None,
        expires_at=NOW + timedelta(days=2),
        created_at=NOW - timedelta(hours=1),
        closed_by=MEMBER if state in (ChatState.DECLINED, ChatState.CANCELLED) else None,
    )


def in_a_channel(body: dict[str, Any]) -> None:
    cuts: list[str] = []
    assert refusals(CHANNEL_MESSAGE, fit_message(body, cuts)) == []
    assert cuts == [], f"the renderer needed cutting: {cuts}"


def as_a_private_reply(body: dict[str, Any]) -> None:
    cuts: list[str] = []
    assert refusals(INTERACTION_RESPONSE, fit_interaction_response(body, cuts)) == []
    assert cuts == [], f"the renderer needed cutting: {cuts}"


NAMES = single_line(100)
TOPICS = st.one_of(st.none(), typed(200).map(lambda t: " ".join(t.split())[:200] or "x"))


@given(
    asker=NAMES,
    member=NAMES,
    topic=TOPICS,
    times=st.integers(0, 5),
    awaiting=st.sampled_from([ASKER, MEMBER]),
    gathering=st.sampled_from([3, None]),
)
def test_every_chat_text_fits_discord(
    *, asker: str, member: str, topic: str | None, times: int, awaiting: int, gathering: int | None
) -> None:
    open_request = chat(
        asker_name=asker, member_name=member, topic=topic, times=times, awaiting=awaiting, gathering=gathering
    )
    note = request_note(open_request)
    in_a_channel(channel_message(note.content, view=note.view))
    in_a_channel(channel_message(note.fallback, view=open_view(open_request.id)))
    as_a_private_reply(private_reply(note.content, view=request_view(open_request)))
    if times > 1:
        as_a_private_reply(
            private_reply("Which time suits you?", view=pick_view(open_request, open_request_times(times)))
        )
    as_a_private_reply(private_reply(asked_text(open_request, by_dm=False)))

    accepted = chat(asker_name=asker, member_name=member, topic=topic, state=ChatState.ACCEPTED)
    for reader in (ASKER, MEMBER):
        done = accepted_note(accepted, reader, now=NOW)
        assert done.file is not None
        in_a_channel(channel_message(done.content, view=done.view, files=[done.file]))
        reminder = reminder_note(accepted, reader, late=True)
        in_a_channel(channel_message(reminder.content))
        in_a_channel(channel_message(reminder.fallback))
        as_a_private_reply(private_reply(answered_text(accepted, reader)))
        as_a_private_reply(private_reply(state_text(accepted, reader)))
    for state in (ChatState.DECLINED, ChatState.CANCELLED, ChatState.EXPIRED):
        closed = chat(asker_name=asker, member_name=member, topic=topic, state=state)
        as_a_private_reply(private_reply(state_text(closed, ASKER)))
        as_a_private_reply(private_reply(answered_text(closed, MEMBER, blocked=True)))
    cancelled = chat(asker_name=asker, member_name=member, state=ChatState.CANCELLED)
    for text in (
        declined_text(open_request, ASKER),
        cancelled_text(cancelled, ASKER),
        expired_text(open_request),
    ):
        in_a_channel(channel_message(news_note(ASKER, text).content))


def open_request_times(count: int) -> list[datetime]:
    return [NOW + timedelta(hours=5 + n) for n in range(count)]


@given(st.lists(st.tuples(NAMES, st.sampled_from([ChatState.OPEN, ChatState.ACCEPTED]), st.booleans()), max_size=60))
def test_the_list_of_chats_fits_one_private_reply(rows: list[tuple[str, ChatState, bool]]) -> None:
    requests = [
        chat(member_name=name, state=state, awaiting=MEMBER if theirs else ASKER, request_id=n)
        for n, (name, state, theirs) in enumerate(rows, start=1)
    ]
    text = chat_list_text(
        [r for r in requests if r.state == ChatState.OPEN],
        [r for r in requests if r.state == ChatState.ACCEPTED],
        ASKER,
    )
    buttons = [
        open_button(r.id, label=f"Answer {name_of(r, ASKER if r.awaiting_id == MEMBER else MEMBER)}")
        for r in requests[:5]
    ]
    as_a_private_reply(private_reply(text, view=persistent_row(*buttons) if buttons else None))


def test_names_are_plain_text_and_a_decline_says_nothing_more() -> None:
    sly = chat(member_name="@everyone **bold** <@123456789012345678>")
    assert (
        declined_text(sly, ASKER)
        == "**@\u200beveryone \\*\\*bold\\*\\* <@\u200b123456789012345678>** can't take this chat."
    )
    blocked = chat(state=ChatState.DECLINED)
    assert declined_text(blocked, ASKER) == "**Bruno** can't take this chat."
    assert "block" not in declined_text(blocked, ASKER).lower()


def test_the_calendar_file_has_one_event_with_a_stable_uid_for_both_members() -> None:
    accepted = chat(state=ChatState.ACCEPTED, topic="Diffusion models")
    files = [Calendar.from_ical(render_chat_ics(accepted, reader, now=NOW)) for reader in (ASKER, MEMBER)]
    events = [list(f.walk("VEVENT")) for f in files]
    assert [len(e) for e in events] == [1, 1]
    assert {str(e[0]["uid"]) for e in events} == {"chat-7-1@meetup-bot"}
    assert [str(e[0]["summary"]) for e in events] == ["Chat with Bruno", "Chat with Minji"]
    assert events[0][0].decoded("dtend") - events[0][0].decoded("dtstart") == timedelta(minutes=30)
