"""The name of a meetup's thread: its title on one line, fitted to Discord's 100 characters."""

from __future__ import annotations

from bot.rendering.text_cuts import fit_text

# Discord's limit for a channel's name, threads included (1 to 100 characters).
THREAD_NAME_LIMIT = 100


def meetup_thread_name(title: str, *, meetup_id: int) -> str:
    """`title` with its whitespace collapsed (a channel name is one line), cut to the limit where no
    word, mention or visible character is split; the meetup's number if nothing of it is left."""
    line = " ".join(title.split())
    name = fit_text(line, THREAD_NAME_LIMIT).strip()
    return name or f"Meetup #{meetup_id}"
