"""A short-lived memory of API keys verified against the database.

Authenticating a request costs a query; a manager's page makes several requests a second with
the same key. Keys the database confirmed as active in the last ``ttl_seconds`` are therefore
remembered, with their team and the SHA-256 of their secret. A request presenting a
remembered key id still has its secret hashed and compared (in constant time), so a wrong
secret never passes; only the database round trip is saved.

Revocation (``staffcast keys revoke``, possibly in another process) is seen by this process
once the entry ages out: at most ``ttl_seconds`` later (``STAFFCAST_KEY_CACHE_SECONDS``,
5 s by default; 0 turns the memory off). Unknown and revoked keys are never remembered, so
they always cost a query and a newly created key works at once.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from api.storage.teams import ActiveKey, secret_sha256

MAX_ENTRIES: Final = 10_000


@dataclass(frozen=True)
class _Entry:
    key: ActiveKey
    expires_at: float


class VerifiedKeyCache:
    """Keys recently confirmed active, by key id.

    Args:
        ttl_seconds: how long a confirmation is trusted; 0 disables the cache.
        clock: monotonic seconds (a seam for tests).
    """

    def __init__(self, ttl_seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def team_id(self, key_id: str, secret: str) -> int | None:
        """The team of a remembered, unexpired key whose secret matches; ``None`` means
        "ask the database" (never remembered, expired, or a different secret)."""
        entry = self._entries.get(key_id)
        if entry is None:
            return None
        if self._clock() >= entry.expires_at:
            with self._lock:
                if self._entries.get(key_id) is entry:
                    del self._entries[key_id]
            return None
        if not hmac.compare_digest(entry.key.secret_sha256, secret_sha256(secret)):
            return None
        return entry.key.team_id

    def remember(self, key: ActiveKey) -> None:
        """Trust ``key`` (just confirmed active by the database) for ``ttl_seconds``."""
        if self.ttl_seconds <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # a flood of distinct keys: start over, stay bounded
            self._entries[key.key_id] = _Entry(key, self._clock() + self.ttl_seconds)
