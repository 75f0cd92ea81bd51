"""Interaction callbacks and the interaction webhook routes (followups, @original)."""

from __future__ import annotations

from . import errors
from .answers import RestAnswer, no_content
from .interactions import InteractionRecord
from .payloads import message_payload
from .rest_common import HandlerTable
from .rest_server import RestRequest

HANDLERS = HandlerTable()


@HANDLERS.route("create_interaction_response")
async def create_interaction_response(req: RestRequest) -> RestAnswer:
    return req.emu.interactions.callback(
        req.snowflake("interaction_id"),
        req.params["interaction_token"],
        req.body or {},
        req.files,
        with_response=req.flag("with_response"),
    )


def _record(req: RestRequest) -> InteractionRecord:
    return req.emu.interactions.record_for_webhook(req.snowflake("webhook_id"), req.params["webhook_token"])


@HANDLERS.route("execute_webhook")
async def execute_webhook(req: RestRequest) -> RestAnswer:
    if req.snowflake("webhook_id") != req.emu.state.application_id:
        raise errors.not_found(errors.UNKNOWN_WEBHOOK, "Webhook")  # only interaction webhooks are emulated
    message = req.emu.interactions.followup(_record(req), req.body or {}, req.files)
    if not req.flag("wait"):
        return no_content()
    return RestAnswer(200, message_payload(req.emu.state, message, req.emu.messages.base_url))


async def _get(req: RestRequest, ref: str) -> RestAnswer:
    message = req.emu.interactions.webhook_message(_record(req), ref)
    return RestAnswer(200, message_payload(req.emu.state, message, req.emu.messages.base_url))


async def _edit(req: RestRequest, ref: str) -> RestAnswer:
    message = req.emu.interactions.webhook_message(_record(req), ref)
    edited = req.emu.messages.edit(message, req.body or {}, req.files, clear_loading=True)
    return RestAnswer(200, message_payload(req.emu.state, edited, req.emu.messages.base_url))


async def _delete(req: RestRequest, ref: str) -> RestAnswer:
    message = req.emu.interactions.webhook_message(_record(req), ref)
    req.emu.messages.delete(message)
    return no_content()


@HANDLERS.route("get_original_webhook_message")
async def get_original(req: RestRequest) -> RestAnswer:
    return await _get(req, "@original")


@HANDLERS.route("update_original_webhook_message")
async def update_original(req: RestRequest) -> RestAnswer:
    return await _edit(req, "@original")


@HANDLERS.route("delete_original_webhook_message")
async def delete_original(req: RestRequest) -> RestAnswer:
    return await _delete(req, "@original")


@HANDLERS.route("get_webhook_message")
async def get_webhook_message(req: RestRequest) -> RestAnswer:
    return await _get(req, req.params["message_id"])


@HANDLERS.route("update_webhook_message")
async def update_webhook_message(req: RestRequest) -> RestAnswer:
    return await _edit(req, req.params["message_id"])


@HANDLERS.route("delete_webhook_message")
async def delete_webhook_message(req: RestRequest) -> RestAnswer:
    return await _delete(req, req.params["message_id"])
