"""The roll call's buttons (`I'm coming`, `Who's coming`) and a member's private controls (their
days, a line about them, `Not coming`). Custom ids carry the gathering, and every click reads the
database, so they work after a restart; the line about oneself is typed in a form whose answer is
read from the interaction alone (`AboutForm.submitted`), for the same reason."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any, cast

import discord
from discord.ui import Button, DynamicItem, Select

from bot.rendering.gathering_components import (
    ABOUT_PREFIX,
    COMING_PREFIX,
    DAYS_PREFIX,
    LEAVE_PREFIX,
    WHO_PREFIX,
    about_button,
    coming_button,
    leave_button,
    my_days_view,
    who_button,
)
from bot.rendering.gathering_texts import (
    render_about_set,
    render_days_set,
    render_joined,
    render_left,
    render_roll_call,
)
from bot.runtime import runtime_of
from bot.services import gatherings
from bot.services.errors import InvalidInput
from bot.ui.forms import form_values
from bot.ui.replies import PrivateReply, reply_privately
from bot.workflows.roll_call import come, pick_days, stay_away, write_about

ABOUT_FORM_PREFIX = "gathering:aboutform"
ABOUT_FIELD = "about"
_FORM_ID = re.compile(rf"{ABOUT_FORM_PREFIX}:(?P<id>\d+)")


def _guild_id(interaction: discord.Interaction) -> int:
    return interaction.guild_id or 0


class ComingButton(DynamicItem[Button[Any]], template=rf"{COMING_PREFIX}:(?P<id>\d+)"):
    def __init__(self, gathering_id: int) -> None:
        super().__init__(coming_button(gathering_id))
        self.gathering_id = gathering_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ComingButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> PrivateReply:
            gathering, member, new = await come(
                runtime,
                guild_id=_guild_id(interaction),
                gathering_id=self.gathering_id,
                user_id=interaction.user.id,
                member_name=interaction.user.display_name,
                now=discord.utils.utcnow(),
            )
            return PrivateReply(
                render_joined(gathering, member, new=new), view=my_days_view(gathering, gatherings.days_of(member))
            )

        await reply_privately(interaction, work)


class WhoButton(DynamicItem[Button[Any]], template=rf"{WHO_PREFIX}:(?P<id>\d+)"):
    def __init__(self, gathering_id: int) -> None:
        super().__init__(who_button(gathering_id))
        self.gathering_id = gathering_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> WhoButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> PrivateReply:
            async with runtime.db.reading() as session:
                gathering = await gatherings.get_gathering(
                    session, guild_id=_guild_id(interaction), gathering_id=self.gathering_id
                )
                members = await gatherings.roll_call(session, gathering_id=gathering.id)
            shown = render_roll_call(gathering, members)
            files = [discord.File(io.BytesIO(shown.csv), filename=shown.csv_name)] if shown.csv else []
            return PrivateReply("", embeds=[shown.embed], files=files)

        await reply_privately(interaction, work)


class DaysSelect(DynamicItem[Select[Any]], template=rf"{DAYS_PREFIX}:(?P<id>\d+)"):
    def __init__(self, gathering_id: int) -> None:
        super().__init__(Select(custom_id=f"{DAYS_PREFIX}:{gathering_id}", options=[discord.SelectOption(label="-")]))
        self.gathering_id = gathering_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DaysSelect:
        # The days offered are read from the database at the click; the options drawn do not matter.
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)
        values = cast(dict[str, Any], interaction.data or {}).get("values", [])

        async def work() -> str:
            try:
                days = [date.fromisoformat(str(v)) for v in values]
            except ValueError as exc:
                raise InvalidInput("That menu is out of date: click **I'm coming** again for a fresh one.") from exc
            gathering, member = await pick_days(
                runtime,
                guild_id=_guild_id(interaction),
                gathering_id=self.gathering_id,
                user_id=interaction.user.id,
                days=days,
                now=discord.utils.utcnow(),
            )
            return render_days_set(gathering, member)

        await reply_privately(interaction, work)


class AboutButton(DynamicItem[Button[Any]], template=rf"{ABOUT_PREFIX}:(?P<id>\d+)"):
    """Opens the form for a line about oneself, filled with the line kept so far."""

    def __init__(self, gathering_id: int) -> None:
        super().__init__(about_button(gathering_id))
        self.gathering_id = gathering_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AboutButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)
        async with runtime.db.reading() as session:
            member = await gatherings.member_of(session, gathering_id=self.gathering_id, user_id=interaction.user.id)
        if member is None:

            async def not_on() -> str:
                return "You're not on this roll call: click **I'm coming** first."

            await reply_privately(interaction, not_on)
            return
        form = AboutForm(self.gathering_id, member.about)
        await interaction.response.send_modal(form)
        # Its answer is read by `AboutForm.submitted` from the interaction, which a restart in
        # between does not lose; the form object itself is not kept.
        form.stop()


class AboutForm(discord.ui.Modal):
    def __init__(self, gathering_id: int, about: str | None) -> None:
        super().__init__(title="About you", custom_id=f"{ABOUT_FORM_PREFIX}:{gathering_id}", timeout=None)
        self.add_item(
            discord.ui.TextInput(
                label="Where you're from, what you work on",
                custom_id=ABOUT_FIELD,
                default=about,
                required=False,
                max_length=gatherings.ABOUT_MAX,
                placeholder="e.g. Seoul National University, compilers",
            )
        )

    @staticmethod
    def gathering_of(interaction: discord.Interaction) -> int | None:
        """The gathering a submitted form is for, if the interaction is one of these forms."""
        if interaction.type != discord.InteractionType.modal_submit:
            return None
        match = _FORM_ID.fullmatch(form_values(interaction)[0])
        return int(match["id"]) if match else None

    @staticmethod
    async def submitted(interaction: discord.Interaction, gathering_id: int) -> None:
        runtime = runtime_of(interaction)
        about = form_values(interaction)[1].get(ABOUT_FIELD)

        async def work() -> str:
            gathering, member = await write_about(
                runtime,
                guild_id=_guild_id(interaction),
                gathering_id=gathering_id,
                user_id=interaction.user.id,
                about=about,
                now=discord.utils.utcnow(),
            )
            return render_about_set(gathering, member)

        await reply_privately(interaction, work)


class LeaveButton(DynamicItem[Button[Any]], template=rf"{LEAVE_PREFIX}:(?P<id>\d+)"):
    def __init__(self, gathering_id: int) -> None:
        super().__init__(leave_button(gathering_id))
        self.gathering_id = gathering_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> LeaveButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> str:
            gathering, was_on = await stay_away(
                runtime,
                guild_id=_guild_id(interaction),
                gathering_id=self.gathering_id,
                user_id=interaction.user.id,
                now=discord.utils.utcnow(),
            )
            return render_left(gathering, was_on=was_on)

        await reply_privately(interaction, work)
