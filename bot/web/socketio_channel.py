"""Rasa's socketio channel with an origin check and working session persistence.

Everything else of Rasa's channel is kept (events, `session_persistence`, `metadata_key`,
the name `socketio`); two of its handlers are replaced:

- `connect` refuses a browser whose Origin is not in CORS_ORIGINS. Rasa creates its
  socket.io server with `cors_allowed_origins=[]`, which turns python-engineio's origin check
  off, so any web site could talk to the bot. Plain HTTP (the polling transport) is covered
  by Sanic's CORS (`rasa run --cors`, same list). A client that sends no Origin (not a
  browser: scripts, tests) is let through, as python-engineio itself does.
- `session_request`: Rasa 3.6 calls `sio.enter_room()` without awaiting it, and in the
  python-socketio it runs with that is a coroutine, so the socket never joined the
  session's room and no bot message reached the browser. Here it is awaited. A session id
  that is not a 32-hex-digit id (what the server hands out) is replaced by a fresh one.
"""

from __future__ import annotations

import inspect
import logging
import re
import uuid
from typing import Any

from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.web.config import allowed_origins

logger = logging.getLogger(__name__)
SESSION_ID = re.compile(r"[0-9a-f]{32}")


class OriginCheckedSocketIO(SocketIOInput):
    def blueprint(self, on_new_message: Any) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        rasa_connect = sio.handlers[self.namespace or "/"]["connect"]
        origins = set(allowed_origins())

        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin not in origins:
                logger.warning("socket.io connection from %s refused: not in CORS_ORIGINS", origin)
                return False
            return await rasa_connect(sid, environ, auth)

        async def session_request(sid: str, data: dict | None) -> None:
            session_id = (data or {}).get("session_id")
            if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        sio.on("connect", connect, namespace=self.namespace)
        sio.on("session_request", session_request, namespace=self.namespace)
        return socketio_webhook
