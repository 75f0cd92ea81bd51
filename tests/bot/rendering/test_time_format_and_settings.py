"""What organizers read: the note on how a slash date was read, and the settings' wording."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.rendering.settings import render_date_order_changed, render_reminders_changed, render_settings_embed
from bot.rendering.time_format import date_reading_note
from bot.services.date_order import DateOrder
from bot.services.guild_settings import GuildConfig

DEC_5 = datetime(2026, 12, 5, 10, tzinfo=UTC)  # 19:00 in Seoul
MAY_12 = datetime(2027, 5, 12, 10, tzinfo=UTC)


def config(**values: object) -> GuildConfig:
    return GuildConfig(guild_id=1, timezone="Asia/Seoul", timezone_is_default=False, organizer_role_id=None, **values)


def test_the_note_says_which_reading_a_slash_date_got() -> None:
    assert date_reading_note([("5/12 19:00", DEC_5)], "Asia/Seoul") == (
        "\nI read `5/12` as 5 December: this server reads such dates day first "
        "(`/settings date-order` changes that; `2026-12-05` or `Dec 5` can't be misread)."
    )
    assert "I read `5/12` as May 12: this server reads such dates month first" in date_reading_note(
        [("5/12 19:00", MAY_12)], "Asia/Seoul"
    )


def test_no_note_when_there_was_nothing_to_choose() -> None:
    for typed in ("2026-12-05 19:00", "25/12 19:00", "12/12 19:00", "Dec 5 7pm", None):
        assert date_reading_note([(typed, DEC_5)], "Asia/Seoul") == ""


def test_a_polls_readings_are_listed_once() -> None:
    dec_6 = datetime(2026, 12, 6, 10, tzinfo=UTC)
    note = date_reading_note([("5/12 19:00", DEC_5), ("6/12 19:00", dec_6), ("5/12 19:00", DEC_5)], "Asia/Seoul")
    assert note.startswith(
        "\nI read `5/12` as 5 December and `6/12` as 6 December: this server reads such dates day first"
    )


def test_no_reminder_offsets_read_as_no_reminders() -> None:
    none = config(reminder_offsets=(), nudge_minutes=0)
    assert render_reminders_changed(none) == (
        'New meetups get no reminders before the start (and a "starting now" post); the nudge to Maybe members '
        "is off. Meetups already planned keep theirs."
    )
    fields = {f.name: f.value for f in render_settings_embed(none).fields}
    assert fields["Reminders"] == (
        "New meetups: no reminders before the start, only the post at the start. Nudge to Maybe members: off."
    )
    assert "none" not in str(fields["Reminders"])
    some = render_reminders_changed(config(reminder_offsets=(1440, 60)))
    assert some.startswith("New meetups get reminders 24h, 1h before the start")


def test_the_date_order_says_where_it_comes_from() -> None:
    fields = {f.name: f.value for f in render_settings_embed(config(), "de").fields}
    assert (
        fields["Date order"]
        == "Slash dates are read day first (5/12 is 5 December), from the server's language (`de`)."
    )
    chosen = render_date_order_changed(config(date_order=DateOrder.MONTH_FIRST), "de")
    assert chosen == (
        "Slash dates are read month first (5/12 is May 12), as chosen for this server. "
        "Dates with dots (`5.12.`) are always day first."
    )
