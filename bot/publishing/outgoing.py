"""The one place every message the bot sends passes on its way to Discord, where it is fitted into
Discord's limits (`bot.rendering.fitting`).

discord.py sends through two doors: its HTTP client (channel messages and their edits, threads)
and its webhook adapter (interaction responses, follow-ups, edits of either, autocomplete answers
and modals). Both are replaced here, so no send path can skip the fitting. The renderers already
keep within the limits; when something still had to be cut, a warning names the route and what
was cut, so the renderer can be fixed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import discord
from discord.http import HTTPClient, Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from bot.rendering.fitting import fit_filename, fit_interaction_response, fit_message
from bot.rendering.text_cuts import fit_text

log = logging.getLogger(__name__)

Fitter = Callable[[Mapping[str, Any], list[str]], dict[str, Any]]
THREAD_NAME = 100


def _fit_thread(body: Mapping[str, Any], cuts: list[str]) -> dict[str, Any]:
    """A new thread: its name, and the first message of a forum post."""
    fitted = dict(body)
    name = fitted.get("name")
    if isinstance(name, str) and len(name) > THREAD_NAME:
        fitted["name"] = fit_text(name, THREAD_NAME)
        cuts.append("name")
    if isinstance(fitted.get("message"), dict):
        fitted["message"] = fit_message(fitted["message"], cuts, "message.")
    return fitted


# The routes whose body is (or holds) a message, keyed as discord.py names them.
_FITTERS: dict[tuple[str, str], Fitter] = {
    ("POST", "/channels/{channel_id}/messages"): fit_message,
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): fit_message,
    ("POST", "/channels/{channel_id}/threads"): _fit_thread,
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"): fit_message,
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): fit_message,
    ("POST", "/interactions/{webhook_id}/{webhook_token}/callback"): fit_interaction_response,
}


def fitter_for(route: Route) -> Fitter | None:
    return _FITTERS.get((route.method, route.path))


def fit_body(route: Route, body: Any) -> Any:
    """`body` within Discord's limits if `route` carries a message; warns when anything was cut."""
    fit = fitter_for(route)
    if fit is None or not isinstance(body, dict):
        return body
    cuts: list[str] = []
    fitted = fit(body, cuts)
    if not cuts:
        return body
    log.warning("Cut to fit Discord's limits on %s %s: %s", route.method, route.path, ", ".join(cuts))
    return fitted


def fit_form(route: Route, form: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A multipart body: its `payload_json` part fitted like a JSON body, file names kept within limits."""
    return [_fit_part(route, part) for part in form]


def _fit_part(route: Route, part: dict[str, Any]) -> dict[str, Any]:
    if part.get("name") == "payload_json" and isinstance(part.get("value"), str):
        return {**part, "value": discord.utils._to_json(fit_body(route, json.loads(part["value"])))}
    if isinstance(part.get("filename"), str):
        return {**part, "filename": fit_filename(part["filename"])}
    return part


class FittingHTTPClient(HTTPClient):
    """discord.py's HTTP client, fitting message bodies before they are sent."""

    async def request(
        self,
        route: Route,
        *,
        files: Sequence[discord.File] | None = None,
        form: Iterable[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> Any:
        if fitter_for(route) is not None:
            if "json" in kwargs:
                kwargs["json"] = fit_body(route, kwargs["json"])
            if form:
                form = fit_form(route, form)
        return await super().request(route, files=files, form=form, **kwargs)


class FittingWebhookAdapter(AsyncWebhookAdapter):
    """discord.py's webhook adapter (interactions and webhooks), fitting message bodies before they are sent."""

    async def request(
        self,
        route: Route,
        session: Any,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> Any:
        if fitter_for(route) is not None:
            if payload is not None:
                payload = fit_body(route, payload)
            if multipart:
                multipart = fit_form(route, multipart)
        return await super().request(route, session, payload=payload, multipart=multipart, **kwargs)


def install_fitting_http(client: discord.Client) -> None:
    """Make the client's HTTP client fit what it sends. Its class is changed rather than the client
    replaced: discord.py hands that one object to the connection state and the command tree when
    the client is built, and they must all send through the fitting."""
    client.http.__class__ = FittingHTTPClient


def install_fitting_webhooks() -> None:
    """Fit what interactions and webhooks send from the current task on (discord.py reads its
    webhook adapter from a context variable, so every task the bot starts afterwards inherits it,
    and nothing outside the bot's task is changed)."""
    async_context.set(FittingWebhookAdapter())  # type: ignore[no-untyped-call]  # discord.py's __init__
