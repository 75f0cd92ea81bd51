"""What the organizer is told when Discord refuses a post the bot made for them: what to fix."""

from __future__ import annotations

import discord

from bot.publishing.discord_codes import UNKNOWN_CHANNEL

# What the bot needs in a channel to post a meetup or poll there (bot/services/channel_rights.py).
NEEDED_THERE = "View Channel, Send Messages, Embed Links, Add Reactions and Read Message History"


def refused_post(exc: discord.HTTPException, *, channel_id: int, what: str, outcome: str) -> str:
    """`what` was refused in the channel; `outcome` says what that left (e.g. "nothing was created")."""
    where = f"<#{channel_id}>"
    if isinstance(exc, discord.NotFound) and exc.code == UNKNOWN_CHANNEL:
        return (
            f"The channel {where} no longer exists, so the {what} could not be posted; {outcome}. "
            "Pick another channel with `channel`."
        )
    if isinstance(exc, discord.Forbidden):
        return (
            f"Discord did not let me post the {what} in {where}; {outcome}. Give me {NEEDED_THERE} there, "
            "or pick another channel with `channel`."
        )
    if isinstance(exc, discord.DiscordServerError):
        return f"Discord could not take the {what} just now (error {exc.status}); {outcome}. Try again in a moment."
    detail = exc.text or str(exc.status)
    return f"Discord refused the {what} in {where} ({detail}); {outcome}."


def refused_finalize(exc: discord.HTTPException, *, channel_id: int, poll_id: int) -> str:
    """The meetup of a finalize was refused, so the finalize was taken back. The meetup goes where
    its poll is (finalize has no `channel` option), so what to fix is that channel or a new post."""
    where = f"<#{channel_id}>"
    unchanged = f"poll #{poll_id} is as it was, and nobody was pinged"
    if isinstance(exc, discord.NotFound) and exc.code == UNKNOWN_CHANNEL:
        return (
            f"The channel {where} of poll #{poll_id} no longer exists, so its meetup could not be posted; "
            f"{unchanged}. Make the meetup in another channel with `/meetup create`."
        )
    if isinstance(exc, discord.Forbidden):
        return (
            f"Discord did not let me post the meetup message in {where}, so {unchanged}. "
            f"Give me {NEEDED_THERE} there, then finalize again."
        )
    if isinstance(exc, discord.DiscordServerError):
        return (
            f"Discord could not take the meetup message just now (error {exc.status}), so {unchanged}. "
            "Finalize again in a moment."
        )
    detail = exc.text or str(exc.status)
    return f"Discord refused the meetup message in {where} ({detail}), so {unchanged}."
