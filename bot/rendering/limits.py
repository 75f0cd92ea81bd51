"""Discord's size limits, and fitting lists of members into them."""

from __future__ import annotations

from collections.abc import Sequence

EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FIELDS = 25
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
MESSAGE_CONTENT = 2000
SELECT_OPTIONS = 25
SELECT_OPTION_LABEL = 100
AUTOCOMPLETE_CHOICE_NAME = 100
MENTIONS_PER_MESSAGE = 100  # users listed in allowed_mentions.users


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit_mentions(user_ids: Sequence[int], budget: int, *, numbered: bool = False, empty: str = "—") -> str:
    """As many `<@id>` as fit in `budget` characters, then `and N more`."""
    if not user_ids:
        return empty
    separator = "\n" if numbered else ", "
    items = [f"{i}. <@{uid}>" if numbered else f"<@{uid}>" for i, uid in enumerate(user_ids, start=1)]
    shown: list[str] = []
    length = 0
    for index, item in enumerate(items):
        remaining = len(items) - index - 1
        more = f"{separator}and {remaining} more" if remaining else ""
        needed = length + (len(separator) if shown else 0) + len(item)
        if needed + len(more) > budget:
            break
        shown.append(item)
        length = needed
    hidden = len(items) - len(shown)
    if hidden:
        tail = f"and {hidden} more"
        return separator.join([*shown, tail]) if shown else tail
    return separator.join(shown)
