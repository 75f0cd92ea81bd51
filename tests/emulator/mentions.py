"""Who a message actually pings: its content's mentions filtered by allowed_mentions and permissions.

Discord's rules, as documented under "Allowed Mentions" and observed:
* only `content` is parsed; embeds never ping;
* without `allowed_mentions` every mention in the content is allowed and a reply pings the replied author;
* with it, a type pings only if listed in `parse`, or (users/roles) if its id is in `users`/`roles`;
  `parse` containing a type together with an id list for that type is a 400;
* `replied_user` (default false once `allowed_mentions` is given) pings the author of the referenced message;
* @everyone/@here ping only if the author has MENTION_EVERYONE there; a role pings only if it is
  mentionable or the author has MENTION_EVERYONE.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from .errors import field_error, invalid_form_body, merge_error_trees

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE_MENTION = re.compile(r"@(everyone|here)")


@dataclass
class Pings:
    user_ids: list[int] = field(default_factory=list)
    role_ids: list[int] = field(default_factory=list)
    everyone: bool = False


def check_allowed_mentions(allowed: dict[str, Any] | None) -> None:
    """Reject the combinations Discord rejects (an id list for a type that `parse` already covers)."""
    if not allowed:
        return
    parse = set(allowed.get("parse") or [])
    problems = []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            problems.append(
                field_error(
                    ["allowed_mentions", kind],
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
            )
    if problems:
        raise invalid_form_body(merge_error_trees(problems))


def compute_pings(
    content: str,
    allowed: dict[str, Any] | None,
    *,
    known_user_ids: Collection[int],
    guild_role_ids: Collection[int],
    mentionable_role_ids: Collection[int],
    can_mention_everyone: bool,
    replied_user_id: int | None = None,
    author_id: int | None = None,
) -> Pings:
    if allowed is None:
        parse = {"users", "roles", "everyone"}
        listed_users: set[int] = set()
        listed_roles: set[int] = set()
        ping_replied = True
    else:
        parse = set(allowed.get("parse") or [])
        listed_users = {int(u) for u in allowed.get("users") or [] if u is not None}
        listed_roles = {int(r) for r in allowed.get("roles") or [] if r is not None}
        ping_replied = bool(allowed.get("replied_user"))

    pings = Pings()
    for match in USER_MENTION.finditer(content):
        user_id = int(match.group(1))
        allowed_here = "users" in parse or user_id in listed_users
        if allowed_here and user_id in known_user_ids and user_id not in pings.user_ids:
            pings.user_ids.append(user_id)
    for match in ROLE_MENTION.finditer(content):
        role_id = int(match.group(1))
        allowed_here = "roles" in parse or role_id in listed_roles
        permitted = role_id in mentionable_role_ids or can_mention_everyone
        if allowed_here and permitted and role_id in guild_role_ids and role_id not in pings.role_ids:
            pings.role_ids.append(role_id)
    if "everyone" in parse and can_mention_everyone and EVERYONE_MENTION.search(content):
        pings.everyone = True
    if (
        ping_replied
        and replied_user_id is not None
        and replied_user_id != author_id
        and replied_user_id not in pings.user_ids
    ):
        pings.user_ids.append(replied_user_id)
    return pings
