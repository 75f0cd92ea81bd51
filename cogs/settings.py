"""/settings: the server's time zone, date order, organizer role and reminders."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import MeetupBot
from bot.rendering.settings import (
    render_date_order_changed,
    render_organizer_role_changed,
    render_reminders_changed,
    render_settings_embed,
    render_timezone_changed,
)
from bot.services import attendee_roles, guild_settings, thread_settings
from bot.services.date_order import DateOrder
from cogs._context import actor_of, guild_id_of
from cogs._locale import guild_locale_of
from cogs._options import timezone_autocomplete

FOLLOW_LANGUAGE = "language"
DATE_ORDER_CHOICES = [
    app_commands.Choice(name="Day first: 5/12 is 5 December", value=DateOrder.DAY_FIRST.value),
    app_commands.Choice(name="Month first: 5/12 is May 12", value=DateOrder.MONTH_FIRST.value),
    app_commands.Choice(name="As the server's language writes dates (US English: month first)", value=FOLLOW_LANGUAGE),
]


@app_commands.guild_only()
class SettingsCog(commands.GroupCog, group_name="settings", group_description="This server's meetup settings"):
    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description="Show this server's meetup settings")
    async def show(self, interaction: discord.Interaction) -> None:
        async with self.bot.db.reading() as session:
            config = await guild_settings.get_guild_config(
                session, guild_id=guild_id_of(interaction), default_timezone=self.bot.settings.default_timezone
            )
            attendee_role = await attendee_roles.server_default(session, guild_id=guild_id_of(interaction))
            threads = await thread_settings.threads_by_default(session, guild_id=guild_id_of(interaction))
        embed = render_settings_embed(
            config, guild_locale_of(interaction), attendee_role=attendee_role, threads=threads
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="timezone", description="Set the time zone that typed times are read in")
    @app_commands.describe(zone="An IANA time zone name, such as Europe/Berlin")
    @app_commands.autocomplete(zone=timezone_autocomplete)
    async def timezone(self, interaction: discord.Interaction, zone: str) -> None:
        async with self.bot.db.transaction() as session:
            config = await guild_settings.set_guild_timezone(
                session,
                guild_id=guild_id_of(interaction),
                actor=actor_of(interaction),
                zone=zone,
                default_timezone=self.bot.settings.default_timezone,
                locale=guild_locale_of(interaction),
            )
        await interaction.response.send_message(render_timezone_changed(config), ephemeral=True)

    @app_commands.command(name="date-order", description="How a date like 5/12 is read: day first or month first")
    @app_commands.describe(order="5/12 as 5 December (day first) or May 12 (month first), or as the server's language")
    @app_commands.choices(order=DATE_ORDER_CHOICES)
    async def date_order(self, interaction: discord.Interaction, order: app_commands.Choice[str]) -> None:
        locale = guild_locale_of(interaction)
        async with self.bot.db.transaction() as session:
            config = await guild_settings.set_date_order(
                session,
                guild_id=guild_id_of(interaction),
                actor=actor_of(interaction),
                order=None if order.value == FOLLOW_LANGUAGE else DateOrder(order.value),
                default_timezone=self.bot.settings.default_timezone,
                locale=locale,
            )
        await interaction.response.send_message(render_date_order_changed(config, locale), ephemeral=True)

    @app_commands.command(name="organizer-role", description="Choose the role whose members may organize meetups")
    @app_commands.describe(role="Members with this role may organize; leave empty to clear it")
    async def organizer_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        async with self.bot.db.transaction() as session:
            config = await guild_settings.set_organizer_role(
                session,
                guild_id=guild_id_of(interaction),
                actor=actor_of(interaction),
                role_id=role.id if role else None,
                default_timezone=self.bot.settings.default_timezone,
                locale=guild_locale_of(interaction),
            )
        await interaction.response.send_message(render_organizer_role_changed(config), ephemeral=True)

    @app_commands.command(name="reminders", description="Reminders that new meetups get, and the nudge to Maybe")
    @app_commands.describe(
        offsets="Before the start, like 24h,1h or 24h,1h,15m; `none` for no reminders",
        nudge="When to ask Maybe members to decide, like 48h; `off` for never",
    )
    async def reminders(
        self, interaction: discord.Interaction, offsets: str | None = None, nudge: str | None = None
    ) -> None:
        async with self.bot.db.transaction() as session:
            config = await guild_settings.set_reminder_defaults(
                session,
                guild_id=guild_id_of(interaction),
                actor=actor_of(interaction),
                offsets=offsets,
                nudge=nudge,
                default_timezone=self.bot.settings.default_timezone,
                locale=guild_locale_of(interaction),
            )
        await interaction.response.send_message(render_reminders_changed(config), ephemeral=True)


async def setup(bot: MeetupBot) -> None:
    await bot.add_cog(SettingsCog(bot))
