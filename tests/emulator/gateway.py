"""The websocket gateway: HELLO, IDENTIFY/READY/GUILD_CREATE, heartbeats, RESUME, intents, shards."""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import secrets
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .events import PRIVILEGED_INTENTS, guild_create_payload, ready_payload, required_intent
from .gateway_members import member_chunks
from .snowflakes import shard_of
from .state import EmulatorState

log = logging.getLogger(__name__)


class Op(enum.IntEnum):
    """Gateway opcodes."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


BACKLOG_LIMIT = 10_000  # dispatches kept per session for RESUME


@dataclass
class GatewayConfig:
    heartbeat_interval_ms: int = 41250
    privileged_intents_enabled: int = PRIVILEGED_INTENTS
    # Discord answers a heartbeat at once, but the answer crosses a network: a real client never
    # sees the ACK before its own send has returned. discord.py relies on that: its keep-alive
    # thread stamps the send time only after the send completes, so an ACK that arrives first
    # (loopback, no latency) is measured against the previous heartbeat and the bot logs
    # "Can't keep up, websocket is 41.2s behind" while idle. One network trip's worth of delay
    # keeps the emulator's ACK where Discord's would be.
    heartbeat_ack_delay_ms: int = 40


@dataclass
class GatewaySession:
    """An identified session; it outlives its connection so that RESUME can replay what was missed."""

    session_id: str
    shard_id: int
    shard_count: int
    intents: int
    large_threshold: int
    seq: int = 0
    backlog: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=BACKLOG_LIMIT))
    connection: GatewayConnection | None = None
    dispatched: int = 0

    def owns_guild(self, guild_id: int | None) -> bool:
        if guild_id is None:  # DMs go to shard 0
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id

    def frame(self, event: str, data_json: str) -> str:
        self.seq += 1
        self.dispatched += 1
        frame = f'{{"op":0,"s":{self.seq},"t":"{event}","d":{data_json}}}'
        self.backlog.append((self.seq, frame))
        return frame


class GatewayConnection:
    """One websocket; frames go out through a queue in order, zlib-stream compressed when asked."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: bool) -> None:
        self.ws = ws
        self.request = request
        self._compressor = zlib.compressobj() if compress else None
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write_frames())
        self.session: GatewaySession | None = None

    def send(self, frame: str) -> None:
        self._queue.put_nowait(frame)

    def send_json(self, payload: dict[str, Any]) -> None:
        self.send(json.dumps(payload, separators=(",", ":")))

    async def _write_frames(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                if frame is None:
                    return
                if not self.ws.closed:
                    await self._send(frame)
            except (ConnectionError, RuntimeError):
                return
            finally:
                self._queue.task_done()

    async def _send(self, frame: str) -> None:
        if self._compressor is None:
            await self.ws.send_str(frame)
            return
        # One compressor per connection; a sync flush ends each message
        # (discord.py waits for the 00 00 ff ff suffix before inflating).
        data = self._compressor.compress(frame.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
        await self.ws.send_bytes(data)

    async def close(self, code: int, reason: str = "") -> None:
        await self.flush()
        await self.ws.close(code=code, message=reason.encode())

    async def flush(self) -> None:
        """Wait until every queued frame is written (or the writer has stopped)."""
        joined = asyncio.ensure_future(self._queue.join())
        await asyncio.wait([joined, self._writer], return_when=asyncio.FIRST_COMPLETED)
        joined.cancel()

    def abort(self) -> None:
        """Drop the TCP connection without a close frame, like a network failure."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    async def finish(self) -> None:
        self._queue.put_nowait(None)
        await asyncio.gather(self._writer, return_exceptions=True)


class Gateway:
    """Accepts websocket connections and routes every dispatched event to the sessions that should see it."""

    def __init__(self, state: EmulatorState, config: GatewayConfig) -> None:
        self.state = state
        self.config = config
        self.url = ""
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.protocol_errors: list[str] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeats_received = 0
        self.heartbeat_acks_sent = 0

    # -- dispatch ---------------------------------------------------------------------------------
    def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guild_id: int | None,
        always: bool = False,
        redacted: dict[str, Any] | None = None,
    ) -> None:
        """Send an event to every session that should see it (shard, intents); buffer it for resume.

        `redacted` is the variant for sessions without the MESSAGE_CONTENT intent.
        """
        needed = 0 if always else required_intent(event, in_guild=guild_id is not None)
        encoded: dict[bool, str] = {}
        for session in self.sessions.values():
            if not session.owns_guild(guild_id) or (needed and not session.intents & needed):
                continue
            use_redacted = redacted is not None and not session.intents & (1 << 15)
            if use_redacted not in encoded:
                encoded[use_redacted] = json.dumps(redacted if use_redacted else data, separators=(",", ":"))
            frame = session.frame(event, encoded[use_redacted])
            if session.connection is not None:
                session.connection.send(frame)
        self.state.changes.touch()

    # -- test controls ----------------------------------------------------------------------------
    def connected_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.connection is not None]

    def request_heartbeat(self, shard_id: int | None = None) -> None:
        """Ask clients for a heartbeat now (op 1 from the server), as Discord may; they answer with one."""
        for session in self._select(shard_id):
            assert session.connection is not None
            session.connection.send_json({"op": Op.HEARTBEAT, "d": None})

    async def send_reconnect(self, shard_id: int | None = None) -> None:
        """Ask clients to reconnect (op 7); discord.py closes and RESUMEs."""
        for session in self._select(shard_id):
            assert session.connection is not None
            session.connection.send_json({"op": Op.RECONNECT, "d": None})

    def drop_connections(self, shard_id: int | None = None) -> None:
        """Cut connections abruptly; sessions stay resumable and keep buffering events."""
        for session in self._select(shard_id):
            connection = session.connection
            assert connection is not None
            session.connection = None
            connection.abort()

    async def invalidate_sessions(self, shard_id: int | None = None, *, resumable: bool = False) -> None:
        for session in self._select(shard_id):
            assert session.connection is not None
            session.connection.send_json({"op": Op.INVALID_SESSION, "d": resumable})
            if not resumable:
                self.sessions.pop(session.session_id, None)

    def _select(self, shard_id: int | None) -> list[GatewaySession]:
        return [s for s in self.connected_sessions() if shard_id is None or s.shard_id == shard_id]

    async def close_all(self) -> None:
        for connection in list(self.connections):
            await connection.ws.close(code=1001, message=b"emulator stopping")

    # -- the websocket handler --------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        compress = request.query.get("compress")
        if request.query.get("encoding", "json") != "json":
            return await self._refuse(ws, 4012, "only encoding=json is emulated")
        if compress not in (None, "zlib-stream"):
            return await self._refuse(
                ws,
                4012,
                f"compress={compress} is not emulated (use zlib-stream; "
                "uninstall zstandard so discord.py picks zlib-stream)",
            )
        connection = GatewayConnection(ws, request, compress == "zlib-stream")
        self.connections.add(connection)
        connection.send_json(
            {
                "op": Op.HELLO,
                "d": {
                    "heartbeat_interval": self.config.heartbeat_interval_ms,
                    "_trace": ["discord-emulator"],
                },
            }
        )
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    await self._fail(connection, 4002, "Error while decoding payload.")
                    break
                if not await self._on_payload(connection, payload):
                    break
        finally:
            self.connections.discard(connection)
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
            await connection.finish()
        return ws

    async def _fail(self, connection: GatewayConnection, code: int, reason: str) -> None:
        """Close with one of Discord's gateway close codes, and remember why (a test should fail on it)."""
        self.protocol_errors.append(f"closed {code}: {reason}")
        log.warning("gateway closed a connection with %s: %s", code, reason)
        await connection.close(code, reason)

    async def _refuse(self, ws: web.WebSocketResponse, code: int, reason: str) -> web.WebSocketResponse:
        self.protocol_errors.append(reason)
        log.error("gateway connection refused: %s", reason)
        await ws.close(code=code, message=reason.encode())
        return ws

    async def _on_payload(self, connection: GatewayConnection, payload: dict[str, Any]) -> bool:
        op, data = payload.get("op"), payload.get("d")
        if op == Op.HEARTBEAT:
            return await self._heartbeat(connection, data)
        if op == Op.IDENTIFY:
            return await self._identify(connection, data or {})
        if op == Op.RESUME:
            return await self._resume(connection, data or {})
        if connection.session is None:
            await self._fail(connection, 4003, "Not authenticated.")
            return False
        if op == Op.REQUEST_GUILD_MEMBERS:
            self._send_member_chunks(connection.session, data or {})
        elif op not in (
            Op.PRESENCE_UPDATE,
            Op.VOICE_STATE_UPDATE,
        ):  # presence and voice updates are accepted and ignored
            await self._fail(connection, 4001, "Unknown opcode.")
            return False
        return True

    async def _heartbeat(self, connection: GatewayConnection, last_seq: object) -> bool:
        if last_seq is not None and not isinstance(last_seq, int):
            await self._fail(connection, 4002, "Error while decoding payload.")
            return False
        self.heartbeats_received += 1
        self.state.changes.touch()
        asyncio.get_running_loop().call_later(self.config.heartbeat_ack_delay_ms / 1000, self._ack, connection)
        return True

    def _ack(self, connection: GatewayConnection) -> None:
        if not connection.ws.closed:
            self.heartbeat_acks_sent += 1
            connection.send_json({"op": Op.HEARTBEAT_ACK})
            self.state.changes.touch()

    async def _identify(self, connection: GatewayConnection, data: dict[str, Any]) -> bool:
        if connection.session is not None:
            await self._fail(connection, 4005, "Already authenticated.")
            return False
        if data.get("token") != self.state.bot_token:
            await self._fail(connection, 4004, "Authentication failed.")
            return False
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0:
            await self._fail(connection, 4013, "Invalid intent(s).")
            return False
        if intents & PRIVILEGED_INTENTS & ~self.config.privileged_intents_enabled:
            await self._fail(connection, 4014, "Disallowed intent(s).")
            return False
        shard = data.get("shard")
        shard_id, shard_count = (shard[0], shard[1]) if shard else (0, 1)
        if shard_count < 1 or not 0 <= shard_id < shard_count:
            await self._fail(connection, 4010, "Invalid shard.")
            return False
        self._forget_disconnected(shard_id, shard_count)
        session = GatewaySession(
            secrets.token_hex(16), shard_id, shard_count, intents, int(data.get("large_threshold") or 50)
        )
        session.connection = connection
        connection.session = session
        self.sessions[session.session_id] = session
        self.identify_count += 1
        guilds = [g for g in self.state.guilds.values() if session.owns_guild(g.id)]
        ready = ready_payload(
            self.state,
            session_id=session.session_id,
            resume_url=self.url,
            guild_ids=[g.id for g in guilds],
            shard=list(shard) if shard else None,
        )
        connection.send(session.frame("READY", json.dumps(ready)))
        if intents & 1:  # GUILDS
            for guild in guilds:
                body = guild_create_payload(self.state, guild, intents=intents, large_threshold=session.large_threshold)
                connection.send(session.frame("GUILD_CREATE", json.dumps(body)))
        self.state.changes.touch()
        return True

    def _forget_disconnected(self, shard_id: int, shard_count: int) -> None:
        for key, old in list(self.sessions.items()):
            if old.connection is None and (old.shard_id, old.shard_count) == (shard_id, shard_count):
                del self.sessions[key]

    async def _resume(self, connection: GatewayConnection, data: dict[str, Any]) -> bool:
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self.state.bot_token:
            await self._fail(connection, 4004, "Authentication failed.")
            return False
        seq = data.get("seq") or 0
        if session is None or (session.backlog and session.backlog[0][0] > seq + 1):
            connection.send_json({"op": Op.INVALID_SESSION, "d": False})
            return True
        if session.connection is not None and session.connection is not connection:
            session.connection.abort()
        session.connection = connection
        connection.session = session
        self.resume_count += 1
        for frame_seq, frame in session.backlog:
            if frame_seq > seq:
                connection.send(frame)
        connection.send(session.frame("RESUMED", "{}"))
        self.state.changes.touch()
        return True

    def _send_member_chunks(self, session: GatewaySession, data: dict[str, Any]) -> None:
        assert session.connection is not None
        for chunk in member_chunks(self.state, data):
            session.connection.send(session.frame("GUILD_MEMBERS_CHUNK", json.dumps(chunk)))
