"""What the layers below the cogs work with: the database, the scheduler, the narrow view of the
Discord client, and the publishers built on them. Use cases, timers and components receive this,
never the whole client."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Protocol, cast

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import Database
from bot.discord_access import DiscordAccess
from bot.in_flight import InFlight
from bot.publishing.attendee_roles import AttendeeRoles
from bot.publishing.gathering_messages import GatheringMessages
from bot.publishing.live_board import LiveBoard
from bot.publishing.meetup_messages import MeetupMessages
from bot.publishing.meetup_threads import MeetupThreads
from bot.publishing.poll_messages import PollMessages
from bot.publishing.scheduled_events import EventMirror
from bot.scheduling.answer_cutoffs import AnswerCutoffs
from bot.scheduling.chat_timers import ChatTimers
from bot.scheduling.gathering_ends import GatheringEnds
from bot.scheduling.meetup_phases import MeetupPhases
from bot.scheduling.occurrence_timers import OccurrenceTimers
from bot.scheduling.poll_closing import PollDeadlines
from bot.scheduling.reminder_timers import ReminderTimers
from bot.services.answer_queue import AnswerQueue
from bot.services.vote_queue import VoteQueue
from bot.settings import Settings
from bot.workflows.close_poll import close_at_deadline
from bot.workflows.next_occurrence import post_next_occurrence
from bot.workflows.turns import ServerTurns


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    db: Database
    discord: DiscordAccess
    board: LiveBoard  # told by meetup and poll messages whenever they are posted or redrawn
    attendee_roles: AttendeeRoles  # told by meetup messages of every meetup posted or redrawn
    threads: MeetupThreads  # told likewise: Going members join the thread, a closed meetup's is archived
    scheduler: AsyncIOScheduler
    in_flight: InFlight
    answers: AnswerQueue
    votes: VoteQueue
    meetup_messages: MeetupMessages
    poll_messages: PollMessages
    events: EventMirror
    reminder_timers: ReminderTimers
    poll_deadlines: PollDeadlines
    meetup_phases: MeetupPhases
    occurrence_timers: OccurrenceTimers
    answer_cutoffs: AnswerCutoffs
    gathering_messages: GatheringMessages
    gathering_ends: GatheringEnds  # roll calls redrawn once their gathering is over
    chat_timers: ChatTimers  # chat requests that lapse, and the reminders of accepted chats
    turns: ServerTurns = field(default_factory=ServerTurns)  # organizers of one server, one at a time


def build_runtime(
    *, settings: Settings, db: Database, discord_access: DiscordAccess, scheduler: AsyncIOScheduler
) -> Runtime:
    board = LiveBoard(db, discord_access, scheduler)
    roles = AttendeeRoles(db, discord_access)
    threads = MeetupThreads(db, discord_access)

    def meetup_changed(meetup_id: int) -> None:
        roles.sync_soon(meetup_id)
        threads.sync_soon(meetup_id)

    meetup_messages = MeetupMessages(db, discord_access, on_change=board.refresh, on_meetup_change=meetup_changed)
    poll_messages = PollMessages(db, discord_access, on_change=board.refresh)
    gathering_messages = GatheringMessages(db, discord_access)
    runtime = Runtime(
        settings=settings,
        db=db,
        discord=discord_access,
        board=board,
        attendee_roles=roles,
        threads=threads,
        scheduler=scheduler,
        in_flight=InFlight(),
        answers=AnswerQueue(db),
        votes=VoteQueue(db),
        meetup_messages=meetup_messages,
        poll_messages=poll_messages,
        events=EventMirror(db, discord_access),
        reminder_timers=ReminderTimers(
            db, discord_access, scheduler, lease=timedelta(seconds=settings.reminder_lease_seconds)
        ),
        poll_deadlines=PollDeadlines(db, scheduler),
        meetup_phases=MeetupPhases(db, scheduler, meetup_messages),
        occurrence_timers=OccurrenceTimers(db, scheduler, lease=timedelta(seconds=settings.reminder_lease_seconds)),
        answer_cutoffs=AnswerCutoffs(db, scheduler, meetup_messages),
        gathering_messages=gathering_messages,
        gathering_ends=GatheringEnds(db, scheduler, gathering_messages),
        chat_timers=ChatTimers(db, discord_access, scheduler, lease=timedelta(seconds=settings.reminder_lease_seconds)),
    )
    runtime.poll_deadlines.closes_with(partial(close_at_deadline, runtime))
    runtime.occurrence_timers.posts_with(partial(post_next_occurrence, runtime))
    return runtime


class _HasRuntime(Protocol):
    runtime: Runtime


def runtime_of(interaction: discord.Interaction) -> Runtime:
    """The runtime of the client that received the interaction (set by the client at start)."""
    return cast(_HasRuntime, interaction.client).runtime
