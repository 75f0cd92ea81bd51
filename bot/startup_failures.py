"""What went wrong at start, in one line a person can act on (no traceback for what is not a bug)."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

DISCORD_REST_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def safe_database_url(url: str) -> str:
    """The URL with its password hidden, fit for an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the configured DATABASE_URL"


def explain_login_failure(exc: BaseException, *, api_base: str) -> str | None:
    """One line for a failure while logging in to Discord's REST API; None if it looks like a bug."""
    if isinstance(exc, discord.LoginFailure):
        return "Discord refused the token: check DISCORD_TOKEN (reset it in the developer portal if needed)"
    if isinstance(exc, aiohttp.ClientError | TimeoutError):
        return _unreachable(exc, api_base)
    if isinstance(exc, discord.DiscordServerError):
        return f"Discord answered {exc.status} at login; it may be having trouble (discordstatus.com): try again later"
    if isinstance(exc, discord.HTTPException):
        return _not_discord(api_base, f"GET /users/@me answered {exc.status} {exc.response.reason or ''}".strip())
    if isinstance(exc, TypeError | KeyError | ValueError):
        # A 200 that is not Discord's JSON (an HTML page, another API) fails while it is read.
        return _not_discord(api_base, "GET /users/@me did not answer with Discord's JSON")
    return None


def _unreachable(exc: aiohttp.ClientError | TimeoutError, api_base: str) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        reason = exc.os_error.strerror or str(exc.os_error)
    else:
        reason = str(exc) or type(exc).__name__
    return (
        f"Cannot reach Discord at {api_base} ({reason}): check the network connection, "
        f"or DISCORD_API_BASE if it was changed (Discord's is {DISCORD_REST_BASE})"
    )


def _not_discord(api_base: str, what: str) -> str:
    return (
        f"{api_base} does not look like Discord's API ({what}): "
        f"check DISCORD_API_BASE (Discord's is {DISCORD_REST_BASE})"
    )


def explain_setup_failure(exc: BaseException, *, database_url: str) -> str | None:
    """One line for a failure while opening and migrating the database; None if it looks like a bug."""
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return "Discord refused an intent this bot asked for; see README, 'Create the Discord application'"
    if isinstance(exc, SQLAlchemyError | OSError) or type(exc).__module__.startswith("asyncpg"):
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        detail = reason[0] if reason else type(exc).__name__
        return f"Cannot use the database {safe_database_url(database_url)}: {detail}"
    return None


GATEWAY_CHECK_SECONDS = 10.0


async def unreachable_gateway(url: str) -> str | None:
    """One line if the gateway cannot be reached or is not a websocket, else None. discord.py would
    retry such a gateway forever, with a traceback every 5 seconds; a wrong URL deserves one line."""
    advice = f"check DISCORD_GATEWAY_URL (Discord's is {DISCORD_GATEWAY})"
    try:
        async with (
            asyncio.timeout(GATEWAY_CHECK_SECONDS),
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{url}?v=10&encoding=json"),
        ):
            return None  # reached: closed at once, before identifying
    except aiohttp.WSServerHandshakeError as exc:
        return f"{url} does not look like Discord's gateway (the websocket handshake answered {exc.status}): {advice}"
    except aiohttp.ClientConnectorError as exc:
        return f"Cannot reach Discord's gateway at {url} ({exc.os_error.strerror or exc.os_error}): {advice}"
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"Cannot reach Discord's gateway at {url} ({str(exc) or type(exc).__name__}): {advice}"
