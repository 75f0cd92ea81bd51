"""Discord components (buttons, selects) that keep working after a restart."""

from __future__ import annotations

from typing import Any

from discord.ui import DynamicItem

from bot.ui.attendance_marker import AttendancePicker
from bot.ui.chat_buttons import CHAT_ITEMS
from bot.ui.check_in import CheckInButton
from bot.ui.every_time_button import EveryTimeButton
from bot.ui.followup_confirm import FollowupConfirmButton
from bot.ui.gathering_buttons import AboutButton, ComingButton, DaysSelect, LeaveButton, WhoButton
from bot.ui.guests_menu import GuestsMenu
from bot.ui.meetup_buttons import CalendarButton, RsvpButton
from bot.ui.poll_controls import ClearVotesButton, ResultsButton, VoteSelect
from bot.ui.undo_button import UndoButton
from bot.ui.upcoming_pages import UpcomingPageButton

# Every persistent component class, registered with the client at start. Their custom ids carry
# the ids they act on, and their callbacks read the database, so nothing lives only in memory.
PERSISTENT_ITEMS: tuple[type[DynamicItem[Any]], ...] = (
    RsvpButton,
    CalendarButton,
    GuestsMenu,
    EveryTimeButton,
    CheckInButton,
    VoteSelect,
    ClearVotesButton,
    ResultsButton,
    UndoButton,
    FollowupConfirmButton,
    AttendancePicker,
    UpcomingPageButton,
    ComingButton,
    WhoButton,
    DaysSelect,
    AboutButton,
    LeaveButton,
    *CHAT_ITEMS,
)
