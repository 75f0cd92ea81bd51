"""Making trouble on purpose: rate limits, injected failures, gateway reconnects and drops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from .faults import BeforeRequest, Fault, FaultInjector
from .gateway import Gateway
from .ratelimits import BucketConfig, RateLimiter
from .spec import ApiSpec


class TroubleMixin:
    """The rate-limit, fault and gateway controls of DiscordEmulator."""

    rate_limits: RateLimiter
    faults: FaultInjector
    gateway: Gateway
    spec: ApiSpec

    def configure_rate_limit(self, route: str, *, limit: int, per: float) -> None:
        """Limit a route ("PATCH /channels/{channel_id}/messages/{message_id}") per major parameter."""
        self.rate_limits.configure(route, limit=limit, per=per)

    def configure_default_rate_limit(self, *, limit: int, per: float) -> None:
        """A limit for every route without its own (real Discord limits every route)."""
        self.rate_limits.default = BucketConfig(limit, per)

    def configure_global_rate_limit(self, per_second: int | None) -> None:
        """Discord's global cap (50 requests per second for most bots); None turns it off."""
        self.rate_limits.global_per_second = per_second

    def inject_fault(
        self,
        method: str,
        path_template: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: float = 1.0,
        after_processing: bool = False,
        is_global: bool = False,
        hold_seconds: float = 0.0,
        skip: int = 0,
        channel_id: int | None = None,
    ) -> Fault:
        """Fail the next `times` matching requests (after_processing: do the work, then fail the answer),
        after letting `skip` of them through; only those for `channel_id` if given."""
        if self.spec.find(method, path_template) is None:
            raise ValueError(f"{method} {path_template} is not a route in Discord's spec")
        return self.faults.add(
            Fault(
                method.upper(),
                path_template,
                status,
                times,
                retry_after,
                after_processing,
                is_global,
                hold_seconds,
                skip=skip,
                channel_id=channel_id,
            )
        )

    def before_request(
        self,
        method: str,
        path_template: str,
        action: Callable[[], Awaitable[None] | None],
        *,
        channel_id: int | None = None,
    ) -> BeforeRequest:
        """Run `action` once, just as the next matching request arrives and before it is served
        (awaited if it returns an awaitable): `emu.before_request("POST", "/channels/{channel_id}/messages",
        lambda: emu.delete_channel(channel.id))` deletes the channel between the bot's check and its post."""
        if self.spec.find(method, path_template) is None:
            raise ValueError(f"{method} {path_template} is not a route in Discord's spec")
        hook = BeforeRequest(method.upper(), path_template, action, channel_id)
        self.faults.before.append(hook)
        return hook

    async def gateway_reconnect(self, shard_id: int | None = None) -> None:
        """Send RECONNECT (op 7); discord.py closes and RESUMEs."""
        await self.gateway.send_reconnect(shard_id)

    def gateway_drop(self, shard_id: int | None = None) -> None:
        """Cut connections without a close frame; events keep buffering for the RESUME."""
        self.gateway.drop_connections(shard_id)

    async def gateway_invalidate_session(self, shard_id: int | None = None, *, resumable: bool = False) -> None:
        """Send INVALID_SESSION (op 9); discord.py then IDENTIFYs again (after its 5 s wait)."""
        await self.gateway.invalidate_sessions(shard_id, resumable=resumable)
