"""Where the bot may post for an organizer: both of them must be able to act in the channel."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.errors import DomainError

# Discord permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
ADD_REACTIONS = 1 << 6
SEND_MESSAGES_IN_THREADS = 1 << 38

# What the bot needs to post a meetup or poll and take reactions on it, by the names members see.
_BOT_NEEDS = (
    (VIEW_CHANNEL, "View Channel"),
    (SEND_MESSAGES, "Send Messages"),
    (EMBED_LINKS, "Embed Links"),
    (ADD_REACTIONS, "Add Reactions"),
    (READ_MESSAGE_HISTORY, "Read Message History"),
)
# What the live board needs: one message the bot posts and edits, with no reactions on it.
_BOARD_NEEDS = (
    (VIEW_CHANNEL, "View Channel"),
    (SEND_MESSAGES, "Send Messages"),
    (EMBED_LINKS, "Embed Links"),
)


@dataclass(frozen=True, slots=True)
class ChannelRights:
    """The channel-level permissions of the organizer and of the bot in the channel chosen for a post
    (overwrites applied); in a thread, sending is Send Messages in Threads."""

    mention: str
    member_permissions: int
    bot_permissions: int
    is_thread: bool = False

    def _send_bit(self) -> int:
        return SEND_MESSAGES_IN_THREADS if self.is_thread else SEND_MESSAGES


def require_postable(rights: ChannelRights, *, what: str, board: bool = False) -> None:
    """Refuse a post the organizer could not make themself, or the bot cannot make: a channel the
    organizer cannot see or write in is not theirs to post in, even through the bot. `board`: the
    live board, which needs fewer rights of the bot (no reactions, no history)."""
    member_needs = VIEW_CHANNEL | rights._send_bit()
    if rights.member_permissions & member_needs != member_needs:
        raise DomainError(
            f"You can't post the {what} in {rights.mention}: you need to be able to view it and send "
            "messages there yourself. Pick a channel you can write in with the `channel` option."
        )
    needs = list(_BOARD_NEEDS if board else _BOT_NEEDS)
    if rights.is_thread:
        needs[1] = (SEND_MESSAGES_IN_THREADS, "Send Messages in Threads")
    missing = [name for bit, name in needs if not rights.bot_permissions & bit]
    if missing:
        raise DomainError(f"I can't post the {what} in {rights.mention}: I'm missing {', '.join(missing)} there.")
