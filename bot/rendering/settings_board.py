"""The private answers of `/settings board`."""

from __future__ import annotations

from bot.rendering.time_format import message_link
from bot.services.board_settings import BoardPlace

WHAT_IT_LISTS = (
    "It lists the meetups and open polls of the channels everyone in the server can see, and of its own "
    "channel, soonest first, and I keep it up to date."
)


def render_board_where(guild_id: int, place: BoardPlace | None) -> str:
    if place is None:
        return "This server has no board. Organizers set one up with `/settings board channel:#channel`."
    return f"The board is in <#{place.channel_id}>: {_link(guild_id, place)}. {WHAT_IT_LISTS}"


def render_board_moved(guild_id: int, place: BoardPlace | None, previous: BoardPlace | None) -> str:
    if place is None:  # stopped by another organizer in the same moment
        return "The board was removed again just now; nothing is kept."
    text = f"The board is in <#{place.channel_id}> now: {_link(guild_id, place)}. {WHAT_IT_LISTS}"
    if previous is not None and previous.channel_id != place.channel_id:
        text += f" The board that was in <#{previous.channel_id}> is deleted."
    elif previous is not None:
        text += " The earlier board message there is deleted."
    return text


def render_board_removed(previous: BoardPlace | None, *, deleted: bool) -> str:
    if previous is None:
        return "This server has no board; nothing changed."
    if not deleted:
        return (
            f"The board in <#{previous.channel_id}> is no longer kept up to date, but Discord did not let me "
            "delete its message: delete it by hand."
        )
    return f"The board in <#{previous.channel_id}> is deleted; I no longer keep one."


def _link(guild_id: int, place: BoardPlace) -> str:
    return message_link(guild_id, place.channel_id, place.message_id)
