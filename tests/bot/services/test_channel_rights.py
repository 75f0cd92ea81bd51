"""Where the bot may post for an organizer: a table of channel permissions and the answer given."""

from __future__ import annotations

import pytest

from bot.services.channel_rights import (
    ADD_REACTIONS,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    ChannelRights,
    require_postable,
)
from bot.services.errors import DomainError
from bot.services.record_numbers import MAX_RECORD_NUMBER, is_record_number, typed_record_number

MEMBER_OK = VIEW_CHANNEL | SEND_MESSAGES
BOT_OK = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ADD_REACTIONS | READ_MESSAGE_HISTORY


@pytest.mark.parametrize(
    ("member", "bot", "thread", "refusal"),
    [
        (MEMBER_OK, BOT_OK, False, None),
        (VIEW_CHANNEL, BOT_OK, False, "You can't post the meetup in <#1>"),
        (SEND_MESSAGES, BOT_OK, False, "You can't post the meetup in <#1>"),
        (0, BOT_OK, False, "You can't post the meetup in <#1>"),
        (MEMBER_OK, BOT_OK & ~EMBED_LINKS, False, "I'm missing Embed Links there."),
        (MEMBER_OK, BOT_OK & ~(ADD_REACTIONS | READ_MESSAGE_HISTORY), False, "Add Reactions, Read Message History"),
        # In a thread, writing is Send Messages in Threads, for both.
        (MEMBER_OK, BOT_OK, True, "You can't post the meetup in <#1>"),
        (VIEW_CHANNEL | SEND_MESSAGES_IN_THREADS, BOT_OK, True, "Send Messages in Threads"),
        (VIEW_CHANNEL | SEND_MESSAGES_IN_THREADS, BOT_OK | SEND_MESSAGES_IN_THREADS, True, None),
    ],
)
def test_both_the_organizer_and_the_bot_must_be_able_to_post(
    member: int, bot: int, thread: bool, refusal: str | None
) -> None:
    rights = ChannelRights(mention="<#1>", member_permissions=member, bot_permissions=bot, is_thread=thread)
    if refusal is None:
        require_postable(rights, what="meetup")
        return
    with pytest.raises(DomainError) as raised:
        require_postable(rights, what="meetup")
    assert refusal in raised.value.user_message


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", 12),
        ("#12", 12),
        (" # 7 ", 7),
        ("0", None),
        ("2147483647", MAX_RECORD_NUMBER),
        ("2147483648", None),
        ("9" * 40, None),
        ("", None),
        ("karaoke", None),
        ("-3", None),
        ("١٢", 12),
        ("²", None),
    ],
)
def test_typed_numbers_that_can_name_a_record(typed: str, number: int | None) -> None:
    assert typed_record_number(typed) == number


def test_record_numbers_fit_a_32_bit_key() -> None:
    assert is_record_number(1) and is_record_number(2**31 - 1)
    assert not is_record_number(0) and not is_record_number(2**31) and not is_record_number(-1)
