"""Refuse request bodies over the configured size with a 413 problem document.

Checked twice: the declared ``Content-Length`` before anything is read, and the bytes actually
received (a chunked upload declares no length). When the limit trips mid-stream, whatever the
application tried to answer is discarded and the 413 is sent instead.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.service.problems import PayloadTooLargeError, problem_response


class BodySizeLimit:
    """ASGI middleware: at most ``max_bytes`` of request body per request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _error(self) -> PayloadTooLargeError:
        megabytes = self.max_bytes / 1_048_576
        return PayloadTooLargeError(
            f"the request body is larger than the limit of {self.max_bytes} bytes "
            f"({megabytes:.1f} MiB); split the file or ask the operator to raise "
            "STAFFCAST_MAX_UPLOAD_BYTES"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await problem_response(self._error(), scope.get("path"))(scope, receive, send)
            return
        received = 0
        exceeded = started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise self._error()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if not exceeded:
                started = True
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await problem_response(self._error(), scope.get("path"))(scope, receive, send)
