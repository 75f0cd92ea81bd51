"""Who counts as an organizer in a server."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.services.errors import NotOrganizer

# Discord permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
MANAGE_EVENTS = 1 << 33


@dataclass(frozen=True, slots=True)
class Actor:
    """The member acting, as the interaction describes them."""

    user_id: int
    permissions: int
    role_ids: Collection[int] = ()


def has_server_management(actor: Actor) -> bool:
    return bool(actor.permissions & (ADMINISTRATOR | MANAGE_GUILD | MANAGE_EVENTS))


def is_organizer(actor: Actor, organizer_role_id: int | None) -> bool:
    """Manage Events, Manage Server, Administrator, or the server's configured organizer role."""
    if has_server_management(actor):
        return True
    return organizer_role_id is not None and organizer_role_id in actor.role_ids


def require_organizer(actor: Actor, organizer_role_id: int | None) -> None:
    if not is_organizer(actor, organizer_role_id):
        raise NotOrganizer()


def require_server_management(actor: Actor) -> None:
    if not has_server_management(actor):
        raise NotOrganizer(
            "Only members with the Manage Server or Manage Events permission can choose the organizer role."
        )
