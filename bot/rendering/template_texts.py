"""The organizer's private answers about meetup templates: saved, deleted, and the server's list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from discord.utils import escape_markdown, escape_mentions

from bot.db.models import MeetupTemplate
from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.services.durations import describe_duration
from bot.services.reminder_offsets import describe_offsets, offsets_from_storage
from bot.services.templates import SavedTemplate

# A list line shows the start of a long title or place: the template's own name is what is looked for.
_TITLE_SHOWN, _PLACE_SHOWN = 80, 60


def render_template_saved(saved: SavedTemplate) -> str:
    template = saved.template
    name = _plain(template.name)
    if saved.replaced:
        head = f"Template **{name}** replaced: it now keeps the fields of meetup #{saved.meetup_id}"
    else:
        head = f"Template **{name}** saved from meetup #{saved.meetup_id}"
    return (
        f"{head}: {describe_template(template)}.\n"
        f"Create a meetup from it with `/meetup create template:{_in_code(template.name)} when:…`; "
        "what you type there wins over the template."
    )


def render_template_deleted(template: MeetupTemplate) -> str:
    return f"Template **{_plain(template.name)}** deleted. Meetups made from it keep their fields."


def render_template_list(templates: Sequence[MeetupTemplate]) -> str:
    if not templates:
        return "This server has no meetup templates yet. Keep a meetup's fields with `/meetup template save`."
    header = f"**Meetup templates** ({len(templates)})"
    lines = [f"**{_plain(t.name)}**: {describe_template(t)}" for t in templates]
    whole = "\n".join([header, *lines])
    if len(whole) <= MESSAGE_CONTENT:
        return whole
    # As many as fit, then how many more, saying where to find them.
    budget = MESSAGE_CONTENT - len(_more(len(templates))) - 1
    shown, length = [header], len(header)
    for line in lines:
        if length + 1 + len(line) > budget:
            break
        shown.append(line)
        length += 1 + len(line)
    return "\n".join([*shown, _more(len(templates) - len(shown) + 1)])


def _more(count: int) -> str:
    return f"…and {count} more: start typing a name in `/meetup template delete` or `/meetup create` to see them."


def describe_template(template: MeetupTemplate) -> str:
    """Title · place · seats · length · reminders · [guests · cut-off ·] channel · repeat, on one line."""
    parts = [
        f"“{_plain(shorten(template.title, _TITLE_SHOWN))}”",
        _plain(shorten(template.location, _PLACE_SHOWN)) if template.location else "no place",
        f"{template.capacity} seats" if template.capacity else "no seat limit",
        describe_duration(timedelta(minutes=template.duration_minutes)),
        f"reminders {describe_offsets(offsets_from_storage(template.reminder_offsets))}",
        *([f"up to {template.guests} guest{'s' if template.guests > 1 else ''} each"] if template.guests else []),
        *(
            [f"answers close {describe_duration(timedelta(minutes=template.answers_close_before))} before"]
            if template.answers_close_before is not None
            else []
        ),
        f"in <#{template.channel_id}>",
        _repeat(template),
    ]
    return " · ".join(parts)


def _repeat(template: MeetupTemplate) -> str:
    if template.repeat_kind is None:
        return "does not repeat"
    times = f", {template.repeat_count} times" if template.repeat_count else ""
    return f"repeats {template.repeat_kind}{times}"


def _plain(text: str) -> str:
    """Text as typed, shown as plain text on one line: no markdown, no mention syntax, no line
    breaks (a place may have them, and each template is one line of the list)."""
    return escape_mentions(escape_markdown(" ".join(text.split())))


def _in_code(text: str) -> str:
    return text.replace("`", "")
