"""Discord's size limits (in code points, as Discord counts), and fitting lists of members into them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.rendering.text_cuts import fit_text

# Documented under Embed Limits, Components and Application Commands; the OpenAPI description
# has the same numbers (or larger ones the prose docs correct, like content's 4,000).
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FIELDS = 25
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
EMBEDS_PER_MESSAGE = 10
MESSAGE_CONTENT = 2000
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_LABEL = 100
SELECT_OPTION_VALUE = 100
SELECT_OPTION_DESCRIPTION = 100
SELECT_PLACEHOLDER = 150
CUSTOM_ID = 100
BUTTON_URL = 512
MODAL_TITLE = 45
TEXT_INPUT_LABEL = 45
TEXT_INPUT_PLACEHOLDER = 100
TEXT_INPUT_VALUE = 4000
TEXT_DISPLAY = 4000
AUTOCOMPLETE_CHOICES = 25
AUTOCOMPLETE_CHOICE_NAME = 100
AUTOCOMPLETE_CHOICE_VALUE = 100
ATTACHMENT_FILENAME = 1024
MENTIONS_PER_MESSAGE = 100  # users listed in allowed_mentions.users


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut, never inside a word,
    a mention, a link, a timestamp or an emoji (see `text_cuts`)."""
    return fit_text(text, limit)


def fit_mentions(
    user_ids: Sequence[int],
    budget: int,
    *,
    numbered: bool = False,
    empty: str = "—",
    guests: Mapping[int, int] | None = None,
) -> str:
    """As many `<@id>` as fit in `budget` characters, then `and N more`; a member who brings
    `guests` is shown with their party (`<@id> +2`)."""
    if not user_ids:
        return empty
    separator = "\n" if numbered else ", "
    parties = guests or {}
    mentions = [f"<@{uid}> +{parties[uid]}" if parties.get(uid) else f"<@{uid}>" for uid in user_ids]
    items = [f"{i}. {m}" if numbered else m for i, m in enumerate(mentions, start=1)]
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
