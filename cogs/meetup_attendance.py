"""/meetup attendance (organizers mark who came), /meetup history and /meetup series."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import MeetupBot
from bot.publishing.meetup_messages import link_to
from bot.rendering.followup_texts import render_history, render_marked, render_series
from bot.rendering.notices import safe_title
from bot.services import attendance
from bot.services.followups import series_record
from bot.services.meetup_lookup import get_meetup
from bot.services.meetups import require_guild_organizer
from bot.ui.replies import reply_privately
from cogs._context import actor_of, guild_id_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete

PROMPT_MINUTES = 15


class AttendanceMarker(discord.ui.View):
    """Two member pickers under a private answer: one marks present, the other absent."""

    def __init__(self, bot: MeetupBot, meetup_id: int, organizer_id: int) -> None:
        super().__init__(timeout=PROMPT_MINUTES * 60)
        self.bot = bot
        self.meetup_id = meetup_id
        self.organizer_id = organizer_id
        for present in (True, False):
            picker: discord.ui.UserSelect[AttendanceMarker] = discord.ui.UserSelect(
                placeholder="Mark present (up to 25)" if present else "Mark absent (up to 25)",
                min_values=1,
                max_values=attendance.MOST_MARKED_AT_ONCE,
                custom_id=f"attendance:{meetup_id}:{'present' if present else 'absent'}",
            )
            picker.callback = self._marker(picker, present)  # type: ignore[method-assign]
            self.add_item(picker)

    def _marker(self, picker: discord.ui.UserSelect[Any], present: bool) -> Any:
        async def mark(interaction: discord.Interaction) -> None:
            async def work() -> str:
                async with self.bot.db.transaction() as session:
                    marked = await attendance.mark_attendance(
                        session,
                        guild_id=guild_id_of(interaction),
                        meetup_id=self.meetup_id,
                        actor=actor_of(interaction),
                        user_ids=[user.id for user in picker.values],
                        present=present,
                        now=discord.utils.utcnow(),
                    )
                self.bot.meetup_messages.refresh(self.meetup_id)
                return render_marked(marked, present=present)

            await reply_privately(interaction, work)

        return mark

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.organizer_id


@app_commands.command(name="attendance", description="Mark who came to a meetup (and who did not)")
@app_commands.describe(meetup="The meetup's number (#12), or start typing its title")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def attendance_command(interaction: discord.Interaction, meetup: int) -> None:
    bot = bot_of(interaction)
    guild_id = guild_id_of(interaction)
    async with bot.db.reading() as session:
        await require_guild_organizer(session, guild_id=guild_id, actor=actor_of(interaction))
        found = await get_meetup(session, guild_id=guild_id, meetup_id=meetup)
        came = len((await attendance.attended_ids(session, [found.id])).get(found.id, set()))
    await interaction.response.send_message(
        f"Attendance of meetup #{found.id} **{safe_title(found)}** ({came} attended so far). Pick members to mark "
        "present or absent; repeat as often as you need, marks add up.",
        view=AttendanceMarker(bot, found.id, interaction.user.id),
        ephemeral=True,
    )


@app_commands.command(name="history", description="Which meetups of this server a member answered and attended")
@app_commands.describe(member="Whose history (organizers may look anyone up; others only themselves)")
async def history(interaction: discord.Interaction, member: discord.User | None = None) -> None:
    bot = bot_of(interaction)
    who = member or interaction.user
    async with bot.db.reading() as session:
        entries = await attendance.member_history(
            session, guild_id=guild_id_of(interaction), user_id=who.id, actor=actor_of(interaction)
        )
    links = {e.meetup.id: link_to(e.meetup) for e in entries}
    await interaction.response.send_message(render_history(who.id, entries, links), ephemeral=True)


@app_commands.command(name="series", description="Every session of a meetup's series, and who attended which")
@app_commands.describe(meetup="Any session of the series: its number (#12), or start typing its title")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def series(interaction: discord.Interaction, meetup: int) -> None:
    bot = bot_of(interaction)
    guild_id = guild_id_of(interaction)
    async with bot.db.reading() as session:
        await require_guild_organizer(session, guild_id=guild_id, actor=actor_of(interaction))
        records = await series_record(session, guild_id=guild_id, meetup_id=meetup)
    links = {r.meetup.id: link_to(r.meetup) for r in records}
    await interaction.response.send_message(render_series(records, links), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, attendance_command, history, series)
