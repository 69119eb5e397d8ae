"""The event loop of one queue: first come first served, a server count that changes over
time, impatient contacts, non-preemptive departures.

One function, :func:`serve`, over plain arrays. Events are arrivals (a sorted array), service
completions (a binary heap) and changes of the number of servers (a sorted step function).

* A contact that arrives while a server is free starts at once; otherwise it joins the
  queue's tail.
* When a server frees up or servers are added, the queue's head is served. A contact whose
  patience ran out before that moment abandoned at its deadline: under first come first
  served nobody behind it is affected by when that is noticed, so the queue drops it lazily
  (an O(1) check instead of a timer per waiting contact).
* When the number of servers falls below the number busy (a break or a shift end), nobody
  is interrupted: the contacts in progress are finished and the servers leave as they free
  up (the agent leaves late), as in real centres.

Each contact costs two heap operations and a few list look-ups: about a microsecond or two in
CPython, independent of the number of servers and of the queue's length.
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def serve(  # noqa: PLR0915  (the hot loop stays in one frame: locals are fastest)
    arrivals: FloatArray,
    service_seconds: FloatArray,
    deadlines: FloatArray,
    change_times: FloatArray,
    servers: IntArray,
) -> FloatArray:
    """Start time of each contact's service (NaN: abandoned, or never served).

    Args:
        arrivals: arrival times in seconds, sorted ascending.
        service_seconds: each contact's handle time.
        deadlines: the time each contact abandons if not served by then (``inf``: never).
        change_times: times at which the number of servers changes, sorted ascending; the
            first is the start of the horizon (servers before it: none).
        servers: the number of servers from each change time on.

    Returns:
        Service start per contact, in the order of ``arrivals``. A contact still waiting when
        the events run out (no server comes back) is NaN, like one that abandoned; the
        caller tells them apart by ``deadlines``.
    """
    count = arrivals.size
    arrival = arrivals.tolist()
    service = service_seconds.tolist()
    deadline = deadlines.tolist()
    times = change_times.tolist()
    levels = servers.tolist()
    starts = [math.nan] * count
    completions: list[float] = []
    waiting: deque[int] = deque()
    infinity = math.inf
    next_arrival = arrival[0] if count else infinity
    next_change = times[0] if times else infinity
    next_done = infinity
    busy = 0
    capacity = 0
    i = 0
    j = 0
    changes = len(times)
    push, pop = heapq.heappush, heapq.heappop
    while True:
        if next_done <= next_arrival and next_done <= next_change:
            if next_done == infinity:
                break
            now = pop(completions)
            next_done = completions[0] if completions else infinity
            busy -= 1
        elif next_change <= next_arrival:
            now = next_change
            capacity = levels[j]
            j += 1
            next_change = times[j] if j < changes else infinity
        else:
            now = next_arrival
            if busy < capacity and not waiting:
                starts[i] = now
                busy += 1
                end = now + service[i]
                push(completions, end)
                next_done = completions[0]
            else:
                waiting.append(i)
            i += 1
            next_arrival = arrival[i] if i < count else infinity
            continue
        while busy < capacity and waiting:
            k = waiting.popleft()
            if deadline[k] < now:
                continue  # abandoned at its deadline, before a server was free
            starts[k] = now
            busy += 1
            end = now + service[k]
            push(completions, end)
            next_done = completions[0]
    return np.asarray(starts, dtype=np.float64)
