"""Acting as members: slash commands, autocomplete, buttons, selects, modals, reactions, messages."""

from __future__ import annotations

import time
from typing import Any

from .command_options import command_data, find_command
from .interaction_handle import InteractionHandle
from .interaction_payloads import Resolved, interaction_payload, modal_submission
from .interactions import InteractionRecord, InteractionService, InteractionType
from .message_content import find_component
from .messages import MessageService, parse_emoji
from .models import Channel, MessageRecord
from .state import EmulatorState

STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 3, 5, 6, 7, 8
SELECT_TYPES = (STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT)


class Actors:
    def __init__(
        self,
        state: EmulatorState,
        messages: MessageService,
        interactions: InteractionService,
        attachment_size_limit: int,
    ) -> None:
        self.state = state
        self.messages = messages
        self.interactions = interactions
        self.attachment_size_limit = attachment_size_limit

    def _dispatch(
        self,
        *,
        kind: int,
        channel: Channel,
        user_id: int,
        data: dict[str, Any],
        message: MessageRecord | None = None,
        parent: InteractionRecord | None = None,
    ) -> InteractionHandle:
        interaction_id, token = self.interactions.new_identity()
        payload = interaction_payload(
            self.state,
            interaction_id=interaction_id,
            token=token,
            interaction_type=kind,
            channel=channel,
            user_id=user_id,
            data=data,
            base_url=self.messages.base_url,
            message=message,
            attachment_size_limit=self.attachment_size_limit,
        )
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=kind,
            guild_id=channel.guild_id,
            channel_id=channel.id,
            user_id=user_id,
            payload=payload,
            dispatched_at=time.monotonic(),
            source_message_id=message.id if message is not None else None,
            parent=parent,
        )
        return InteractionHandle(self.state, self.interactions.dispatch(record))

    def _channel_in(self, guild_id: int | None, channel_id: int) -> Channel:
        channel = self.state.channel(channel_id)
        if channel.guild_id != guild_id:
            raise ValueError(f"channel {channel_id} is not in guild {guild_id}")
        return channel

    # -- application commands ---------------------------------------------------------------------
    def slash_command(
        self, guild_id: int | None, channel_id: int, user_id: int, command: str, **options: Any
    ) -> InteractionHandle:
        channel = self._channel_in(guild_id, channel_id)
        name, *path = command.split()
        registered = find_command(self.state, name, guild_id)
        data = command_data(
            self.state, registered, path, options, Resolved(self.state, channel, self.messages.base_url)
        )
        return self._dispatch(kind=InteractionType.APPLICATION_COMMAND, channel=channel, user_id=user_id, data=data)

    def autocomplete(
        self,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        command: str,
        *,
        focused: str,
        value: str,
        **options: Any,
    ) -> InteractionHandle:
        channel = self._channel_in(guild_id, channel_id)
        name, *path = command.split()
        registered = find_command(self.state, name, guild_id)
        resolved = Resolved(self.state, channel, self.messages.base_url)
        data = command_data(self.state, registered, path, {**options, focused: value}, resolved, focused=focused)
        data.pop("resolved", None)
        return self._dispatch(kind=InteractionType.AUTOCOMPLETE, channel=channel, user_id=user_id, data=data)

    def context_menu(
        self,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        name: str,
        *,
        target_user_id: int | None = None,
        target_message_id: int | None = None,
    ) -> InteractionHandle:
        """A user (right-click on a member) or message context-menu command."""
        channel = self._channel_in(guild_id, channel_id)
        command_type = 2 if target_user_id is not None else 3
        registered = find_command(self.state, name, guild_id, command_type)
        resolved = Resolved(self.state, channel, self.messages.base_url)
        if target_user_id is not None:
            resolved.add_user(target_user_id)
            target = target_user_id
        else:
            assert target_message_id is not None, "give target_user_id or target_message_id"
            resolved.add_message(self.state.message(channel_id, target_message_id))
            target = target_message_id
        data = {
            "id": str(registered.id),
            "name": name,
            "type": command_type,
            "target_id": str(target),
            "resolved": resolved.data,
        }
        if registered.guild_id is not None:
            data["guild_id"] = str(registered.guild_id)
        return self._dispatch(kind=InteractionType.APPLICATION_COMMAND, channel=channel, user_id=user_id, data=data)

    # -- components -------------------------------------------------------------------------------
    def _component(
        self, channel_id: int, message_id: int, custom_id: str, user_id: int, kinds: tuple[int, ...]
    ) -> tuple[Channel, MessageRecord, dict[str, Any]]:
        channel = self.state.channel(channel_id)
        message = self.state.message(channel_id, message_id)
        if message.ephemeral_user_id not in (None, user_id):
            raise ValueError(f"message {message_id} is ephemeral and only visible to {message.ephemeral_user_id}")
        component = find_component(message.components, custom_id)
        if component is None:
            ids = [c.get("custom_id") for c in _all_components(message.components) if c.get("custom_id")]
            raise LookupError(f"message {message_id} has no component {custom_id!r}; it has {ids}")
        if component.get("type") not in kinds:
            raise ValueError(f"component {custom_id!r} is of type {component.get('type')}, not one of {kinds}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; Discord's client would not let you use it")
        return channel, message, component

    def click_button(self, channel_id: int, message_id: int, custom_id: str, user_id: int) -> InteractionHandle:
        channel, message, component = self._component(channel_id, message_id, custom_id, user_id, (2,))
        data = {"custom_id": custom_id, "component_type": 2, "id": component.get("id")}
        return self._dispatch(
            kind=InteractionType.MESSAGE_COMPONENT,
            channel=channel,
            user_id=user_id,
            data=data,
            message=message,
        )

    def select(
        self, channel_id: int, message_id: int, custom_id: str, values: list[Any], user_id: int
    ) -> InteractionHandle:
        channel, message, component = self._component(channel_id, message_id, custom_id, user_id, SELECT_TYPES)
        kind = component["type"]
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"select {custom_id!r} takes between {low} and {high} values, got {len(values)}")
        data: dict[str, Any] = {
            "custom_id": custom_id,
            "component_type": kind,
            "id": component.get("id"),
            "values": [str(v) for v in values],
        }
        if kind == STRING_SELECT:
            offered = [o["value"] for o in component.get("options", [])]
            unknown = [v for v in data["values"] if v not in offered]
            if unknown:
                raise ValueError(f"select {custom_id!r} offers {offered}; {unknown} are not among them")
        else:
            resolved = Resolved(self.state, channel, self.messages.base_url)
            add = {
                USER_SELECT: resolved.add_user,
                ROLE_SELECT: resolved.add_role,
                MENTIONABLE_SELECT: resolved.add_mentionable,
                CHANNEL_SELECT: resolved.add_channel,
            }[kind]
            for value in data["values"]:
                add(int(value))
            data["resolved"] = resolved.data
        return self._dispatch(
            kind=InteractionType.MESSAGE_COMPONENT,
            channel=channel,
            user_id=user_id,
            data=data,
            message=message,
        )

    def submit_modal(
        self,
        from_interaction: InteractionHandle,
        values: dict[str, Any],
        *,
        custom_id: str | None = None,
        user_id: int | None = None,
    ) -> InteractionHandle:
        modal = from_interaction.modal
        if modal is None:
            raise ValueError(f"{from_interaction!r} was not answered with a modal")
        if custom_id is not None and custom_id != modal.get("custom_id"):
            raise ValueError(f"the modal shown has custom_id {modal.get('custom_id')!r}, not {custom_id!r}")
        parent = from_interaction.record
        channel = self.state.channel(parent.channel_id)
        data = {"custom_id": modal["custom_id"], "components": modal_submission(modal, values)}
        source = self.state.messages.get(parent.source_message_id) if parent.source_message_id else None
        return self._dispatch(
            kind=InteractionType.MODAL_SUBMIT,
            channel=channel,
            user_id=user_id or parent.user_id,
            data=data,
            message=source,
            parent=parent,
        )

    # -- reactions and messages -------------------------------------------------------------------
    def add_reaction(self, channel_id: int, message_id: int, emoji: str, user_id: int) -> bool:
        name, emoji_id = parse_emoji(emoji)
        return self.messages.add_reaction(self.state.message(channel_id, message_id), name, emoji_id, user_id)

    def remove_reaction(self, channel_id: int, message_id: int, emoji: str, user_id: int) -> bool:
        name, emoji_id = parse_emoji(emoji)
        return self.messages.remove_reaction(self.state.message(channel_id, message_id), name, emoji_id, user_id)

    def send_message(self, channel_id: int, user_id: int, content: str, **fields: Any) -> MessageRecord:
        """A member posts in a channel (or, for a DM channel, to the bot)."""
        channel = self.state.channel(channel_id)
        return self.messages.create(channel, user_id, {"content": content, **fields})


def _all_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for component in components:
        result.append(component)
        result.extend(_all_components(component.get("components", [])))
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                result.append(component[key])
    return result
