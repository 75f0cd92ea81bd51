"""Guild scheduled event routes, with Discord's permission rules and GUILD_SCHEDULED_EVENT_* events."""

from __future__ import annotations

from typing import Any

from . import errors
from .answers import RestAnswer, no_content
from .models import ScheduledEvent
from .payloads import scheduled_event_payload
from .permissions import P, has
from .recurrence_rules import stored_rule
from .rest_common import HandlerTable, require_bot_in_guild, require_guild_permissions
from .rest_server import RestRequest

HANDLERS = HandlerTable()
EXTERNAL = 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
_STATUS_CHANGES = {SCHEDULED: {ACTIVE, CANCELED}, ACTIVE: {COMPLETED}}


def _form_error(field: str, message: str) -> errors.DiscordError:
    return errors.invalid_form_body(errors.field_error([field], "BASE_TYPE_REQUIRED", message))


def _check_entity(body: dict[str, Any], state_channels: dict[int, Any]) -> None:
    if body.get("entity_type") == EXTERNAL:
        if not (body.get("entity_metadata") or {}).get("location"):
            raise _form_error("entity_metadata", "location is required for external events")
        if not body.get("scheduled_end_time"):
            raise _form_error("scheduled_end_time", "scheduled_end_time is required for external events")
    elif body.get("entity_type") in (1, 2):
        channel_id = body.get("channel_id")
        if channel_id is None or int(channel_id) not in state_channels:
            raise _form_error("channel_id", "channel_id is required for stage and voice events")


def _dispatch(req: RestRequest, event_name: str, event: ScheduledEvent) -> None:
    req.emu.gateway.dispatch(event_name, scheduled_event_payload(req.emu.state, event), guild_id=event.guild_id)


@HANDLERS.route("create_guild_scheduled_event")
async def create_event(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    require_guild_permissions(state, guild_id, P.MANAGE_EVENTS, P.CREATE_EVENTS)
    body: dict[str, Any] = req.body or {}
    _check_entity(body, state.channels)
    event = ScheduledEvent(
        id=state.ids.next(),
        guild_id=guild_id,
        name=body["name"],
        creator_id=state.bot_user.id,
        scheduled_start_time=body["scheduled_start_time"],
        scheduled_end_time=body.get("scheduled_end_time"),
        entity_type=body["entity_type"],
        privacy_level=body.get("privacy_level", 2),
        description=body.get("description"),
        entity_metadata=body.get("entity_metadata"),
        channel_id=int(body["channel_id"]) if body.get("channel_id") else None,
        recurrence_rule=stored_rule(body.get("recurrence_rule")),
    )
    state.scheduled_events[event.id] = event
    state.guild(guild_id).scheduled_event_ids.append(event.id)
    _dispatch(req, "GUILD_SCHEDULED_EVENT_CREATE", event)
    return RestAnswer(200, scheduled_event_payload(state, event))


@HANDLERS.route("list_guild_scheduled_events")
async def list_events(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    require_bot_in_guild(state, guild_id)
    events = [state.scheduled_events[e] for e in state.guild(guild_id).scheduled_event_ids]
    return RestAnswer(200, [scheduled_event_payload(state, e) for e in events if not e.deleted])


@HANDLERS.route("get_guild_scheduled_event")
async def get_event(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    require_bot_in_guild(state, guild_id)
    event = state.scheduled_event(guild_id, req.snowflake("guild_scheduled_event_id"))
    return RestAnswer(200, scheduled_event_payload(state, event))


def _editable_event(req: RestRequest) -> ScheduledEvent:
    """Editing needs MANAGE_EVENTS, or CREATE_EVENTS for events the bot created itself."""
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    permissions = require_guild_permissions(state, guild_id)
    event = state.scheduled_event(guild_id, req.snowflake("guild_scheduled_event_id"))
    own = event.creator_id == state.bot_user.id
    if not (has(permissions, P.MANAGE_EVENTS) or (own and has(permissions, P.CREATE_EVENTS))):
        raise errors.missing_permissions()
    return event


@HANDLERS.route("update_guild_scheduled_event")
async def update_event(req: RestRequest) -> RestAnswer:
    event = _editable_event(req)
    body: dict[str, Any] = req.body or {}
    status = body.get("status")
    if status is not None and status != event.status and status not in _STATUS_CHANGES.get(event.status, set()):
        raise errors.DiscordError(400, 180000, "Cannot change the status of this scheduled event this way")
    merged = {
        "entity_type": event.entity_type,
        "entity_metadata": event.entity_metadata,
        "scheduled_end_time": event.scheduled_end_time,
        "channel_id": event.channel_id,
        **{k: v for k, v in body.items() if v is not None or k in ("description", "scheduled_end_time")},
    }
    _check_entity(merged, req.emu.state.channels)
    for key in (
        "name",
        "description",
        "scheduled_start_time",
        "scheduled_end_time",
        "privacy_level",
        "entity_type",
        "entity_metadata",
        "status",
    ):
        if key in body and (body[key] is not None or key in ("description", "scheduled_end_time")):
            setattr(event, key, body[key])
    if "recurrence_rule" in body:  # null takes the rule away: the event happens once
        event.recurrence_rule = stored_rule(body["recurrence_rule"])
    if "channel_id" in body:
        event.channel_id = int(body["channel_id"]) if body["channel_id"] else None
    _dispatch(req, "GUILD_SCHEDULED_EVENT_UPDATE", event)
    return RestAnswer(200, scheduled_event_payload(req.emu.state, event))


@HANDLERS.route("delete_guild_scheduled_event")
async def delete_event(req: RestRequest) -> RestAnswer:
    event = _editable_event(req)
    event.deleted = True
    _dispatch(req, "GUILD_SCHEDULED_EVENT_DELETE", event)
    return no_content()
