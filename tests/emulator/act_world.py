"""What `act` needs to read what a person types: names of members, channels and roles, the
commands the bot registered (to type option values), and the components of a message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "y", "1", "on"}, {"false", "no", "n", "0", "off"}


class ActError(Exception):
    """What was typed does not fit the emulator's world; shown as one line."""


@dataclass
class EmulatorWorld:
    """The emulator's guilds (from /_emulator/info) and the bot's commands (/_emulator/commands)."""

    guilds: list[dict[str, Any]]
    commands: list[dict[str, Any]]

    # -- names ------------------------------------------------------------------------------------
    def channel(self, given: str | None) -> tuple[str, str]:
        """(guild id, channel id) of a channel named or given by id; the first text channel if None."""
        wanted = given.lstrip("#") if given else None
        for guild in self.guilds:
            for channel in guild.get("channels", []):
                if channel.get("type", 0) != 0 and wanted is None:
                    continue
                if wanted is None or wanted in (channel["id"], channel["name"]):
                    return guild["id"], channel["id"]
        known = sorted(c["name"] for g in self.guilds for c in g.get("channels", []))
        raise ActError(f"no channel {given!r}; channels: {', '.join(known) or 'none'}")

    def guild(self, given: str) -> str:
        for guild in self.guilds:
            if given in (guild["id"], guild["name"]):
                return str(guild["id"])
        raise ActError(f"no guild {given!r}; guilds: {', '.join(g['name'] for g in self.guilds)}")

    def user(self, given: str, guild_id: str | None = None) -> str:
        wanted = given.lstrip("@")
        for guild in self._guilds(guild_id):
            for member in guild.get("members", []):
                if wanted in (member["id"], member["username"]):
                    return str(member["id"])
        if wanted.isdigit():
            return wanted
        raise ActError(f"no member {given!r}; members: {', '.join(self._usernames(guild_id)) or 'none'}")

    def role(self, given: str, guild_id: str | None) -> str:
        wanted = given.lstrip("@")
        for guild in self._guilds(guild_id):
            for role in guild.get("roles", []):
                if wanted in (role["id"], role["name"]):
                    return str(role["id"])
        raise ActError(f"no role {given!r}")

    def _guilds(self, guild_id: str | None) -> list[dict[str, Any]]:
        return [g for g in self.guilds if guild_id is None or g["id"] == guild_id]

    def _usernames(self, guild_id: str | None) -> list[str]:
        return sorted(m["username"] for g in self._guilds(guild_id) for m in g.get("members", []))

    # -- commands ---------------------------------------------------------------------------------
    def option_definitions(self, command: str, guild_id: str | None) -> list[dict[str, Any]]:
        """The options of a command's leaf ("meetup create"); [] if the bot registered no such command
        (the emulator then says what it has)."""
        name, *path = command.split()
        candidates = [c for c in self.commands if c.get("name") == name and c.get("type", 1) == 1]
        candidates.sort(key=lambda c: c.get("guild_id") is None)  # a guild's own command shadows the global one
        found = next((c for c in candidates if c.get("guild_id") in (None, guild_id)), None)
        options: list[dict[str, Any]] = found.get("options", []) if found else []
        for word in path:
            sub = next(
                (o for o in options if o["name"] == word and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)), None
            )
            options = sub.get("options", []) if sub else []
        return options

    def typed_options(self, command: str, pairs: list[str], guild_id: str | None) -> dict[str, Any]:
        definitions = {o["name"]: o for o in self.option_definitions(command, guild_id)}
        options: dict[str, Any] = {}
        for pair in pairs:
            name, equals, value = pair.partition("=")
            if not equals:
                raise ActError(f"options are name=value, not {pair!r}")
            definition = definitions.get(name)
            options[name] = self._typed(definition, value, guild_id) if definition else value
        return options

    def _typed(self, definition: dict[str, Any], value: str, guild_id: str | None) -> Any:
        kind, name = definition["type"], definition["name"]
        converters: dict[int, Callable[[str], Any]] = {
            INTEGER: lambda v: _number(name, v, int),
            NUMBER: lambda v: _number(name, v, float),
            BOOLEAN: lambda v: _boolean(name, v),
            USER: lambda v: self.user(v, guild_id),
            CHANNEL: lambda v: self.channel(v)[1],
            ROLE: lambda v: self.role(v, guild_id),
            MENTIONABLE: lambda v: self.role(v[2:], guild_id) if v.startswith("@&") else self.user(v, guild_id),
            ATTACHMENT: lambda v: _attachment(name, v),
        }
        return converters.get(kind, str)(value)


def _number(name: str, value: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(value)
    except ValueError:
        raise ActError(f"option {name!r} takes {'an integer' if kind is int else 'a number'}, not {value!r}") from None


def _boolean(name: str, value: str) -> bool:
    if value.lower() not in TRUE_WORDS | FALSE_WORDS:
        raise ActError(f"option {name!r} takes true or false, not {value!r}")
    return value.lower() in TRUE_WORDS


def _attachment(name: str, value: str) -> list[Any]:
    """A file as the emulator takes it: its name and its bytes."""
    path = Path(value.removeprefix("@"))
    if not path.is_file():
        raise ActError(f"option {name!r} takes a file; {path} is not one")
    return [path.name, list(path.read_bytes())]


def all_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component of a message, rows and sections opened."""
    found = []
    for component in components:
        found.append(component)
        found.extend(all_components(component.get("components", [])))
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                found.append(component[key])
    return found


def find_button(message: dict[str, Any], wanted: str) -> str:
    buttons = [c for c in all_components(message.get("components", [])) if c.get("type") == 2 and c.get("custom_id")]
    for button in buttons:
        if wanted in (button["custom_id"], button.get("label")):
            return str(button["custom_id"])
    for button in buttons:  # "going" for the button labelled "Going"
        if wanted.casefold() == str(button.get("label", "")).casefold():
            return str(button["custom_id"])
    offered = [f"{b.get('label')} ({b['custom_id']})" for b in buttons]
    raise ActError(f"message {message['id']} has no button {wanted!r}; it has {', '.join(offered) or 'none'}")


def find_menu(message: dict[str, Any], wanted: str, kinds: tuple[int, ...]) -> dict[str, Any]:
    """A select menu by custom id, or by a word of its custom id or placeholder."""
    menus = [c for c in all_components(message.get("components", [])) if c.get("type") in kinds]
    for menu in menus:
        if menu.get("custom_id") == wanted:
            return menu
    word = wanted.casefold()
    matching = [m for m in menus if word in _words(m.get("custom_id"), ":") or word in _words(m.get("placeholder"))]
    if len(matching) == 1:
        return matching[0]
    offered = [f"{m.get('custom_id')} ({m.get('placeholder')})" for m in menus]
    raise ActError(f"message {message['id']} has no one menu {wanted!r}; it has {', '.join(offered) or 'none'}")


def _words(text: object, separator: str | None = None) -> list[str]:
    return str(text or "").casefold().replace("(", " ").replace(")", " ").split(separator)


def option_values(menu: dict[str, Any], wanted: list[str]) -> list[str]:
    """Values of a string select, each given by its value or its label."""
    options = menu.get("options", [])
    values = []
    for given in wanted:
        found = next((o for o in options if given in (o["value"], o["label"])), None)
        if found is None:
            offered = [f"{o['label']} ({o['value']})" for o in options]
            raise ActError(f"menu {menu.get('custom_id')} has no option {given!r}; it has {', '.join(offered)}")
        values.append(str(found["value"]))
    return values


def numbered_values(menu: dict[str, Any], numbers: list[str]) -> list[str]:
    """Values of a poll's menu by option number: the option labelled "2. ..." (else the second)."""
    options = menu.get("options", [])
    values = []
    for number in numbers:
        if not number.isdigit() or not 1 <= int(number) <= len(options):
            raise ActError(f"option numbers run from 1 to {len(options)}, not {number!r}")
        labelled = next((o for o in options if str(o["label"]).startswith(f"{number}. ")), None)
        values.append(str((labelled or options[int(number) - 1])["value"]))
    return values
