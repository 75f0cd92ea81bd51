"""What /settings roles answers."""

from __future__ import annotations

from bot.services.attendee_roles import RoleChoice, RoleKind


def describe_choice(choice: RoleChoice) -> str:
    if choice.kind is RoleKind.NEW:
        return "a new role for each meetup, named after it and deleted when it is closed or cancelled"
    if choice.kind is RoleKind.EXISTING:
        return f"<@&{choice.role_id}>"
    return "none"


def render_default_role(choice: RoleChoice, *, changed: bool, problem: str | None = None) -> str:
    lead = "New meetups now give Going members" if changed else "New meetups give Going members"
    if choice.kind is RoleKind.NONE:
        text = "New meetups now give no attendee role." if changed else "New meetups give no attendee role."
    else:
        text = f"{lead}: {describe_choice(choice)}, unless their organizer names another."
    if problem is not None:
        text += f"\nFor now it cannot be given: {problem}."
    return text
