"""Discord's JSON error answers, raised by handlers and turned into responses by the server."""

from __future__ import annotations

from typing import Any


class DiscordError(Exception):
    """An error answer exactly as Discord words it: HTTP status, numeric code, message, field errors."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


# Codes from Discord's "JSON error codes" table, named as the docs name them.
GENERAL_ERROR = 0
UNKNOWN_APPLICATION = 10002
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_ROLE = 10011
UNKNOWN_USER = 10013
UNKNOWN_EMOJI = 10014
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
UNKNOWN_APPLICATION_COMMAND = 10063
UNKNOWN_GUILD_SCHEDULED_EVENT = 10070
UNAUTHORIZED = 40001
REQUEST_TOO_LARGE = 40005
INTERACTION_ALREADY_ACKNOWLEDGED = 40060
MISSING_ACCESS = 50001
CANNOT_EDIT_OTHERS_MESSAGE = 50005
CANNOT_SEND_EMPTY_MESSAGE = 50006
CANNOT_SEND_TO_USER = 50007
INVALID_WEBHOOK_TOKEN = 50027
MISSING_PERMISSIONS = 50013
THREAD_ALREADY_CREATED = 160004
THREAD_LOCKED = 160005
INVALID_CHANNEL_TYPE = 50024
THREAD_ARCHIVED = 50083
INVALID_FORM_BODY = 50035


def unauthorized() -> DiscordError:
    return DiscordError(401, UNAUTHORIZED, "401: Unauthorized")


def missing_access() -> DiscordError:
    return DiscordError(403, MISSING_ACCESS, "Missing Access")


def missing_permissions() -> DiscordError:
    return DiscordError(403, MISSING_PERMISSIONS, "Missing Permissions")


def not_found(code: int, what: str) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


def unknown_route() -> DiscordError:
    return DiscordError(404, GENERAL_ERROR, "404: Not Found")


def invalid_form_body(errors: dict[str, Any]) -> DiscordError:
    return DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body", errors)


def field_error(path: list[str | int], code: str, message: str) -> dict[str, Any]:
    """One error nested by field path, as Discord nests them: {"embeds": {"0": {"title": {"_errors": []}}}}"""
    tree: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path):
        tree = {str(part): tree}
    return tree


def merge_error_trees(trees: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for tree in trees:
        _merge_into(merged, tree)
    return merged


def _merge_into(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if key == "_errors":
            target.setdefault("_errors", []).extend(value)
        else:
            _merge_into(target.setdefault(key, {}), value)
