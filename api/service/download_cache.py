"""Rendered downloads kept in memory, for as long as what they were rendered from is current.

Turning stored history into CSV costs milliseconds of Python (a day: ~5 ms, a year: ~1 s)
while sending remembered bytes costs nothing, and the same team tends to ask for the same
file several times (a manager's page, a script polling a range). Each entry is filed under a
key that names everything its bytes depend on: the team, the team's ``history_version``
(bumped in the same transaction as every write to its history, see
:func:`api.storage.history.begin_history_write`), the team's timezone and the query. A write
therefore makes the old entries unreachable at once, in every service process, because each
request reads the version from the database; nothing is ever served from an older version.
Unreachable entries are dropped as the least recently used once the cache is full.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class DownloadCache:
    """Least-recently-used rendered bodies, bounded by their total size.

    Args:
        max_bytes: the total size kept; 0 turns the cache off. A body larger than a quarter
            of it is never kept (it would push out everything else).
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        """The body stored under ``key``, or ``None``."""
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        """Keep ``body`` under ``key`` (unless it is too large), dropping the least recently
        used bodies to stay within ``max_bytes``."""
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            previous = self._bodies.pop(key, None)
            if previous is not None:
                self._size -= len(previous)
            self._bodies[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)

    @property
    def size_bytes(self) -> int:
        """The total size of the bodies kept."""
        return self._size

    def __len__(self) -> int:
        return len(self._bodies)
