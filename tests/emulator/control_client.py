"""A thin client for the control API, for benchmarks that run the emulator in another process."""

from __future__ import annotations

from typing import Any

import aiohttp


class EmulatorControlError(RuntimeError):
    pass


class EmulatorControlClient:
    """`async with EmulatorControlClient("http://127.0.0.1:8765") as emu: await emu.info()`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/") + "/_emulator"
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EmulatorControlClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, params: dict[str, str] | None = None
    ) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.request(method, self.base_url + path, json=body, params=params) as response:
            data = await response.json(content_type=None)
            if response.status >= 400:
                raise EmulatorControlError(f"{method} {path}: {response.status} {data}")
            return data

    async def info(self) -> dict[str, Any]:
        return await self._call("GET", "/info")  # type: ignore[no-any-return]

    async def create_guild(self, name: str = "Meetup Community", **options: int) -> dict[str, Any]:
        return await self._call("POST", "/guilds", {"name": name, **options})  # type: ignore[no-any-return]

    async def create_channel(self, guild_id: int | str, name: str) -> dict[str, Any]:
        return await self._call("POST", f"/guilds/{guild_id}/channels", {"name": name})  # type: ignore[no-any-return]

    async def create_role(self, guild_id: int | str, name: str, permissions: int = 0) -> dict[str, Any]:
        body = {"name": name, "permissions": permissions}
        return await self._call("POST", f"/guilds/{guild_id}/roles", body)  # type: ignore[no-any-return]

    async def create_member(self, guild_id: int | str, username: str, **fields: Any) -> dict[str, Any]:
        body = {"username": username, **fields}
        return await self._call("POST", f"/guilds/{guild_id}/members", body)  # type: ignore[no-any-return]

    async def slash_command(
        self,
        guild_id: int | str | None,
        channel_id: int | str,
        user_id: int | str,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        wait: str | None = "response",
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        body = {
            "guild_id": guild_id,
            "channel_id": channel_id,
            "user_id": user_id,
            "command": command,
            "options": options or {},
            "wait": wait,
            "timeout": timeout,
        }
        return await self._call("POST", "/interactions/slash", body)  # type: ignore[no-any-return]

    async def autocomplete(
        self,
        guild_id: int | str | None,
        channel_id: int | str,
        user_id: int | str,
        command: str,
        *,
        focused: str,
        value: str,
        options: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """The choices the bot suggests while `value` is typed into option `focused`."""
        body = {
            "guild_id": guild_id,
            "channel_id": channel_id,
            "user_id": user_id,
            "command": command,
            "focused": focused,
            "value": value,
            "options": options or {},
        }
        return (await self._call("POST", "/interactions/autocomplete", body))["choices"]  # type: ignore[no-any-return]

    async def commands(self) -> list[dict[str, Any]]:
        return await self._call("GET", "/commands")  # type: ignore[no-any-return]

    async def attachment(self, url_path: str) -> bytes:
        """The bytes of an attachment, by the path the emulator serves it under."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.get(self.base_url + url_path) as response:
            if response.status >= 400:
                raise EmulatorControlError(f"GET {url_path}: {response.status}")
            return await response.read()

    async def click_button(
        self,
        channel_id: int | str,
        message_id: int | str,
        custom_id: str,
        user_id: int | str,
        *,
        wait: str | None = "response",
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        body = {
            "channel_id": channel_id,
            "message_id": message_id,
            "custom_id": custom_id,
            "user_id": user_id,
            "wait": wait,
            "timeout": timeout,
        }
        return await self._call("POST", "/interactions/button", body)  # type: ignore[no-any-return]

    async def select(
        self,
        channel_id: int | str,
        message_id: int | str,
        custom_id: str,
        values: list[str],
        user_id: int | str,
        *,
        wait: str | None = "response",
    ) -> dict[str, Any]:
        body = {
            "channel_id": channel_id,
            "message_id": message_id,
            "custom_id": custom_id,
            "values": values,
            "user_id": user_id,
            "wait": wait,
        }
        return await self._call("POST", "/interactions/select", body)  # type: ignore[no-any-return]

    async def submit_modal(
        self, interaction_id: int | str, values: dict[str, Any], *, wait: str | None = "response"
    ) -> dict[str, Any]:
        body = {"interaction_id": interaction_id, "values": values, "wait": wait}
        return await self._call("POST", "/interactions/modal", body)  # type: ignore[no-any-return]

    async def react(
        self,
        channel_id: int | str,
        message_id: int | str,
        emoji: str,
        user_id: int | str,
        *,
        remove: bool = False,
    ) -> dict[str, Any]:
        body = {
            "channel_id": channel_id,
            "message_id": message_id,
            "emoji": emoji,
            "user_id": user_id,
            "remove": remove,
        }
        return await self._call("POST", "/reactions", body)  # type: ignore[no-any-return]

    async def post_message(self, channel_id: int | str, user_id: int | str, content: str) -> dict[str, Any]:
        body = {"user_id": user_id, "content": content}
        return await self._call("POST", f"/channels/{channel_id}/messages", body)  # type: ignore[no-any-return]

    async def channel_messages(self, channel_id: int | str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        params = {"include_deleted": "true"} if include_deleted else None
        return await self._call("GET", f"/channels/{channel_id}/messages", params=params)  # type: ignore[no-any-return]

    async def calls(self, since: int = 0) -> list[dict[str, Any]]:
        return await self._call("GET", "/calls", params={"since": str(since)})  # type: ignore[no-any-return]

    async def problems(self) -> dict[str, Any]:
        return await self._call("GET", "/problems")  # type: ignore[no-any-return]

    async def stats(self) -> dict[str, Any]:
        return await self._call("GET", "/stats")  # type: ignore[no-any-return]

    async def configure_rate_limit(self, route: str, limit: int, per: float) -> None:
        await self._call("POST", "/rate-limits", {"route": route, "limit": limit, "per": per})

    async def inject_fault(self, method: str, path_template: str, status: int, **options: Any) -> None:
        await self._call(
            "POST", "/faults", {"method": method, "path_template": path_template, "status": status, **options}
        )

    async def faults(self) -> list[dict[str, Any]]:
        """Injected faults and how often each has fired."""
        return list((await self._call("GET", "/faults"))["faults"])

    async def gateway(self, action: str, shard_id: int | None = None) -> None:
        await self._call("POST", f"/gateway/{action}", {"shard_id": shard_id})

    async def burst_buttons(
        self,
        channel_id: int | str,
        message_id: int | str,
        custom_id: str,
        user_ids: list[int | str],
        timeout: float = 60,
    ) -> list[dict[str, Any]]:
        """Many members click at once; each click timed from dispatch to the bot's answer."""
        body = {
            "channel_id": channel_id,
            "message_id": message_id,
            "custom_id": custom_id,
            "user_ids": user_ids,
            "timeout": timeout,
        }
        return (await self._call("POST", "/bursts/buttons", body))["interactions"]  # type: ignore[no-any-return]

    async def burst_selects(
        self,
        channel_id: int | str,
        message_id: int | str,
        custom_id: str,
        votes: list[tuple[int | str, list[str]]],
        timeout: float = 60,
    ) -> list[dict[str, Any]]:
        body = {
            "channel_id": channel_id,
            "message_id": message_id,
            "custom_id": custom_id,
            "votes": votes,
            "timeout": timeout,
        }
        return (await self._call("POST", "/bursts/selects", body))["interactions"]  # type: ignore[no-any-return]

    async def message_edits(self, message_id: int | str) -> dict[str, Any]:
        return await self._call("GET", f"/messages/{message_id}/edits")  # type: ignore[no-any-return]
