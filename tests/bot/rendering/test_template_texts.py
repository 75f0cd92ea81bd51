"""What organizers read about meetup templates: the server's list (however many, however long their
texts), and the answers to saving and deleting one, each fitting Discord as it is rendered."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.db.models import MeetupTemplate
from bot.rendering.limits import MESSAGE_CONTENT
from bot.rendering.template_texts import render_template_deleted, render_template_list, render_template_saved
from bot.services.meetup_input import DESCRIPTION_MAX, TITLE_MAX, WHERE_MAX
from bot.services.recurrence import RepeatKind
from bot.services.templates import NAME_MAX, SavedTemplate
from tests.bot.rendering.domain import RECORD_NUMBERS, optional
from tests.bot.rendering.scripts import SNOWFLAKES, single_line, typed
from tests.bot.rendering.test_renderers_fit import accepted_as_a_private_reply
from tests.bot.rendering.wire_checks import private_reply


@st.composite
def kept_templates(draw: st.DrawFn) -> MeetupTemplate:
    return MeetupTemplate(
        name=draw(single_line(NAME_MAX)),
        title=draw(single_line(TITLE_MAX)),
        description=draw(optional(typed(DESCRIPTION_MAX))),
        location=draw(optional(typed(WHERE_MAX))),
        capacity=draw(st.one_of(st.none(), st.integers(1, 10_000))),
        duration_minutes=draw(st.integers(5, 14 * 24 * 60)),
        reminder_offsets=draw(st.sampled_from(["", "60", "43200,20160,10080,1440,720,360,180,60,30,1"])),
        remind_maybe=draw(st.booleans()),
        channel_id=draw(SNOWFLAKES),
        repeat_kind=draw(st.one_of(st.none(), st.sampled_from([k.value for k in RepeatKind]))),
        repeat_count=draw(st.one_of(st.none(), st.integers(2, 260))),
    )


def answered(content: str) -> None:
    accepted_as_a_private_reply(private_reply(content))


@given(st.lists(kept_templates(), max_size=120))
def test_the_list_fits_however_many_templates_there_are(kept: list[MeetupTemplate]) -> None:
    text = render_template_list(kept)
    answered(text)
    if len(kept) > 1 and "more:" in text:
        shown = text.count("\n") - 1  # the header and the tail are not templates
        assert text.splitlines()[-1].startswith(f"…and {len(kept) - shown} more")


@given(kept_templates(), RECORD_NUMBERS, st.booleans())
def test_the_answers_to_saving_and_deleting_fit(template: MeetupTemplate, meetup_id: int, replaced: bool) -> None:
    answered(render_template_saved(SavedTemplate(template, meetup_id, replaced)))
    answered(render_template_deleted(template))


def template(name: str, **fields: object) -> MeetupTemplate:
    values: dict[str, object] = {
        "title": "Paper club",
        "location": None,
        "capacity": None,
        "duration_minutes": 120,
        "reminder_offsets": "",
        "channel_id": 42,
        "repeat_kind": None,
        "repeat_count": None,
    }
    return MeetupTemplate(name=name, **(values | fields))


def test_a_line_says_each_kept_field_and_typed_markup_stays_plain_text() -> None:
    line = render_template_list(
        [
            template(
                "*Friday* @everyone",
                title="`code` night",
                location="Room 301",
                capacity=12,
                duration_minutes=90,
                reminder_offsets="1440,15",
                repeat_kind="every 2 weeks",
                repeat_count=10,
            )
        ]
    ).splitlines()[1]
    assert line == (
        "**\\*Friday\\* @\u200beveryone**: “\\`code\\` night” · Room 301 · 12 seats · 1 hour 30 minutes · "
        "reminders 24h, 15m · in <#42> · repeats every 2 weeks, 10 times"
    )
    plain = render_template_list([template("Plain")]).splitlines()[1]
    assert plain.endswith("no place · no seat limit · 2 hours · reminders none · in <#42> · does not repeat")


def test_a_list_too_long_for_one_message_says_how_many_more_there_are() -> None:
    many = [template(f"Template {n:03}", title="t" * TITLE_MAX, location="p" * WHERE_MAX) for n in range(40)]
    text = render_template_list(many)
    lines = text.splitlines()
    assert len(text) <= MESSAGE_CONTENT
    assert lines[0] == "**Meetup templates** (40)"
    shown = len(lines) - 2
    assert 0 < shown < 40
    assert lines[-1].startswith(f"…and {40 - shown} more: start typing a name")
