"""The optional HTTP endpoint: /healthz for orchestrators, /metrics for Prometheus."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.db.database import Database

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 2.0


async def health_of(db: Database, gateway_up: Callable[[], bool]) -> dict[str, bool]:
    """Connected to the gateway (every shard this process runs) and to the database."""
    gateway = gateway_up()
    try:
        await asyncio.wait_for(db.ping(), timeout=DATABASE_TIMEOUT)
        database = True
    except Exception as exc:  # any failure to answer is "not healthy", whatever its kind
        log.warning("Health check: the database did not answer: %s", exc)
        database = False
    return {"gateway": gateway, "database": database}


class HealthServer:
    def __init__(self, db: Database, gateway_up: Callable[[], bool], *, host: str, port: int) -> None:
        self.db = db
        self.gateway_up = gateway_up
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("Health and metrics on http://%s:%s/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        checks = await health_of(self.db, self.gateway_up)
        healthy = all(checks.values())
        body = json.dumps({"status": "ok" if healthy else "unavailable", **checks})
        return web.Response(status=200 if healthy else 503, text=body, content_type="application/json")

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
