"""The live board: one message in a channel the organizers chose, listing what is coming up.

**What it shows.** The board is public, so it lists only what is public to its readers: the
meetups and open polls of channels the server's @everyone role may view, and those of the board's
own channel (and its public threads), which everyone reading the board can view by definition.
A meetup in a staff-only channel is never on it, even if the staff read the board; members see
those with `/meetup upcoming`, which follows each member's own view.

**When it changes.** Meetup and poll messages tell it through one hook (`refresh`, called where
they are posted and redrawn), so every use case that shows a change on Discord (create, edit,
cancel, answers, votes, finalize, close, the phase timer) moves the board too. Its own timer wakes
it when the next item starts, ends or closes, and a sweep every few minutes catches what no hook
tells (a channel's permissions changed). Requests are coalesced as meetup messages' are, and the
board is edited at most every BOARD_EDIT_SPACING seconds: it often shares a channel's allowance
of five edits per five seconds with meetup messages. An edit that would change nothing is not
sent.

**Kept.** Deleted by hand, it is posted again (the delete event, or the edit that finds it gone);
the new message id is stored by a conditional update, so of two processes that both noticed, one
keeps its post and the other deletes its own. Its channel gone, the board stops. The channel and
message are in the server's settings, so it survives restarts: each process redraws the boards
of the servers it runs when they become available.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection, Hashable
from datetime import datetime, timedelta

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import Database
from bot.discord_access import DiscordAccess
from bot.publishing.coalescer import EditCoalescer
from bot.publishing.discord_codes import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE
from bot.publishing.edit_pacing import EditPacer
from bot.rendering.refusals import refused_post
from bot.rendering.upcoming import render_board
from bot.services import board_settings
from bot.services.board_settings import BoardPlace
from bot.services.errors import DomainError
from bot.services.guild_settings import require_guild_organizer
from bot.services.organizers import Actor
from bot.services.upcoming import Coming, ComingMeetup, ComingPoll, whats_coming

log = logging.getLogger(__name__)

BOARD_EDIT_SPACING = 5.0
BOARD_GATHER = 1.0
BOARD_ITEMS = 40  # more than one message holds: the rest are counted
SWEEP_MINUTES = 10


def public_channel_ids(guild: discord.Guild, board_channel_id: int) -> set[int]:
    """The channels whose meetups and polls may be on a board in `board_channel_id` (see above)."""
    everyone = guild.default_role
    public: set[int] = set()
    for channel in guild.channels:
        if channel.id == board_channel_id or channel.permissions_for(everyone).view_channel:
            public.add(channel.id)
    for thread in guild.threads:
        if thread.is_private():
            continue  # only the members added to it can see it
        if thread.parent_id == board_channel_id or thread.parent_id in public:
            public.add(thread.id)
    return public


class LiveBoard:
    def __init__(self, db: Database, discord_access: DiscordAccess, scheduler: AsyncIOScheduler) -> None:
        self.db = db
        self.discord = discord_access
        self.scheduler = scheduler
        self.coalescer: EditCoalescer[None] = EditCoalescer(
            self._redraw_key, pacer=EditPacer(BOARD_EDIT_SPACING), gather_delay=BOARD_GATHER
        )
        self._boards: set[int] = set()  # servers with a board, as far as this process knows
        self._shown: dict[int, tuple[int, str]] = {}  # server -> the message and digest last drawn

    async def start(self) -> None:
        """Learn which servers have a board, and sweep them now and then."""
        async with self.db.reading() as session:
            self._boards = await board_settings.guilds_with_board(session)
        self.scheduler.add_job(
            self.sweep, "interval", minutes=SWEEP_MINUTES, id="live-board:sweep", replace_existing=True
        )

    def refresh(self, guild_id: int) -> None:
        """Redraw the server's board soon, if it has one (coalesced; cheap, never blocks)."""
        if guild_id in self._boards:
            self.coalescer.request(guild_id)

    def guild_available(self, guild_id: int) -> None:
        """The server is (again) this process's: its board is drawn as it is now."""
        self._shown.pop(guild_id, None)
        self.refresh(guild_id)

    def messages_deleted(self, guild_id: int, message_ids: Collection[int], *, listed_changed: bool) -> None:
        """Messages were deleted in the server: the board itself is posted again; a meetup's or
        poll's (`listed_changed`) loses its link on the board."""
        shown = self._shown.get(guild_id)
        if shown is not None and shown[0] in message_ids:
            self._shown.pop(guild_id, None)
            self.refresh(guild_id)
        elif listed_changed or (shown is None and guild_id in self._boards):
            self._shown.pop(guild_id, None)  # not drawn here yet: the edit finds out whether it is gone
            self.refresh(guild_id)

    async def sweep(self) -> None:
        async with self.db.reading() as session:
            self._boards = await board_settings.guilds_with_board(session)
        for guild_id in self._boards:
            self.refresh(guild_id)

    async def flush(self) -> None:
        await self.coalescer.flush()

    async def place(self, *, guild_id: int, channel_id: int, actor: Actor) -> BoardPlace | None:
        """Post the board in `channel_id` and keep it there (instead of where it was: returned, its
        message deleted). If Discord refuses the post nothing is stored; if storing fails the post
        is deleted again. Rights in the channel are the caller's to check first."""
        async with self.db.reading() as session:  # a member is refused before anything is posted
            await require_guild_organizer(session, guild_id=guild_id, actor=actor)
        async with self.coalescer.pacer.turn(guild_id):
            embed, _ = await self._render(guild_id, channel_id)
            channel = self.discord.get_partial_messageable(channel_id, guild_id=guild_id)
            try:
                message = await channel.send(embed=embed)
            except discord.HTTPException as exc:
                raise DomainError(
                    refused_post(exc, channel_id=channel_id, what="board", outcome="no board was set up")
                ) from exc
            try:
                async with self.db.transaction() as session:
                    previous = await board_settings.set_board(
                        session, guild_id=guild_id, actor=actor, place=BoardPlace(channel_id, message.id)
                    )
            except BaseException:
                await _delete_quietly(message)
                raise
            self._boards.add(guild_id)
            self._shown[guild_id] = (message.id, _digest(embed))
        if previous is not None and previous.message_id != message.id:
            await self._delete(previous)
        return previous

    async def remove(self, *, guild_id: int, actor: Actor) -> tuple[BoardPlace | None, bool]:
        """No board any more: returns where it was, and whether its message is gone from Discord."""
        async with self.coalescer.pacer.turn(guild_id):
            async with self.db.transaction() as session:
                previous = await board_settings.clear_board(session, guild_id=guild_id, actor=actor)
            self._boards.discard(guild_id)
            self._shown.pop(guild_id, None)
            self._stop_timer(guild_id)
        if previous is None:
            return None, True
        return previous, await self._delete(previous)

    async def _redraw_key(self, key: Hashable) -> None:
        assert isinstance(key, int)
        await self._draw(key)

    async def _draw(self, guild_id: int) -> None:
        async with self.db.reading() as session:
            place = await board_settings.board_of(session, guild_id=guild_id)
        if place is None:
            self._boards.discard(guild_id)
            return
        if self.discord.get_guild(guild_id) is None:
            return  # another process runs this server's shard: it draws the board
        embed, coming = await self._render(guild_id, place.channel_id)
        self._wake_at_next_move(guild_id, coming)
        digest = _digest(embed)
        if self._shown.get(guild_id) == (place.message_id, digest):
            return  # it already shows this
        message = self.discord.get_partial_messageable(place.channel_id, guild_id=guild_id).get_partial_message(
            place.message_id
        )
        try:
            await message.edit(embed=embed)
        except discord.NotFound as exc:
            await self._gone(guild_id, place, embed, exc)
            return
        except discord.HTTPException as exc:
            log.warning("Discord refused the edit of the board of server %s: %s", guild_id, exc)
            return
        self._shown[guild_id] = (place.message_id, digest)

    async def _render(self, guild_id: int, channel_id: int) -> tuple[discord.Embed, Coming]:
        guild = self.discord.get_guild(guild_id)
        channel_ids = public_channel_ids(guild, channel_id) if guild is not None else {channel_id}
        now = discord.utils.utcnow()
        async with self.db.reading() as session:
            coming = await whats_coming(session, guild_id=guild_id, now=now, channel_ids=channel_ids, limit=BOARD_ITEMS)
        return render_board(coming, now=now), coming

    async def _gone(self, guild_id: int, place: BoardPlace, embed: discord.Embed, exc: discord.NotFound) -> None:
        if exc.code == UNKNOWN_CHANNEL:
            async with self.db.transaction() as session:
                await board_settings.forget_board(session, guild_id=guild_id, old=place)
            self._boards.discard(guild_id)
            self._shown.pop(guild_id, None)
            log.info("The channel of the board of server %s is gone; the board stops", guild_id)
            return
        if exc.code != UNKNOWN_MESSAGE:
            log.warning("Discord could not find the board of server %s: %s", guild_id, exc)
            return
        channel = self.discord.get_partial_messageable(place.channel_id, guild_id=guild_id)
        try:
            message = await channel.send(embed=embed)
        except discord.HTTPException as error:
            log.warning("Could not post the board of server %s again: %s", guild_id, error)
            return
        async with self.db.transaction() as session:
            kept = await board_settings.replace_board_message(
                session, guild_id=guild_id, old=place, message_id=message.id
            )
        if not kept:  # moved, stopped or posted again by someone else meanwhile
            await _delete_quietly(message)
            return
        self._shown[guild_id] = (message.id, _digest(embed))
        log.info("The board of server %s was deleted; posted it again", guild_id)

    async def _delete(self, place: BoardPlace) -> bool:
        message = self.discord.get_partial_messageable(place.channel_id).get_partial_message(place.message_id)
        try:
            await message.delete()
        except discord.NotFound:
            return True
        except discord.HTTPException as exc:
            log.warning("Could not delete the old board message %s: %s", place.message_id, exc)
            return False
        return True

    def _wake_at_next_move(self, guild_id: int, coming: Coming) -> None:
        """A timer for the next moment the board shows differently without anyone acting."""
        now = discord.utils.utcnow()
        moments = [m for item in coming.items for m in _moves(item) if m > now]
        job_id = _timer_id(guild_id)
        if not moments:
            self._stop_timer(guild_id)
            return
        # A moment later, so the meetup or poll has moved on (a next meetup of a series posted) by then.
        moment = min(moments) + timedelta(seconds=2)
        job = self.scheduler.get_job(job_id)
        if job is None or job.next_run_time != moment:
            self.scheduler.add_job(
                self._woken,
                "date",
                run_date=moment,
                args=[guild_id],
                id=job_id,
                replace_existing=True,
                misfire_grace_time=None,  # late is better than never: the board would show a stale list
            )

    async def _woken(self, guild_id: int) -> None:
        self.refresh(guild_id)

    def _stop_timer(self, guild_id: int) -> None:
        if self.scheduler.get_job(_timer_id(guild_id)) is not None:
            self.scheduler.remove_job(_timer_id(guild_id))


def _moves(item: ComingMeetup | ComingPoll) -> list[datetime]:
    if isinstance(item, ComingMeetup):
        return [item.meetup.starts_at, item.meetup.ends_at]
    return [item.poll.closes_at] if item.poll.closes_at is not None else []


def _timer_id(guild_id: int) -> str:
    return f"live-board:{guild_id}"


def _digest(embed: discord.Embed) -> str:
    return hashlib.sha256(json.dumps(embed.to_dict(), sort_keys=True).encode()).hexdigest()


async def _delete_quietly(message: discord.Message | discord.PartialMessage) -> None:
    try:
        await message.delete()
    except discord.HTTPException as exc:
        log.warning("Could not delete the board message %s: %s", message.id, exc)
