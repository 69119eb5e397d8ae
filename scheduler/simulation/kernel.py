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
* When the number of servers falls (a break or a shift end), the agents who leave are a
  random subset of those on the floor, whether busy or not, as a schedule would pick them:
  of ``d`` leaving among ``c`` agents with ``b`` busy, a hypergeometric number ``k`` is
  busy. Nobody is interrupted: the ``k`` contacts (chosen at random among those in
  progress) are finished on overtime (the agent leaves late) and no longer hold a server
  of those who stay; the idle leavers go at once. (Chat slots are treated as servers here:
  an agent's two chats need not end together.) A rule such as "idle agents leave first"
  would be kinder to the queue than a real schedule is.

Each contact costs two heap operations and a few list look-ups: about a microsecond or two in
CPython, independent of the number of servers and of the queue's length.
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np

from scheduler.arrays import FloatArray, IntArray


def serve(  # noqa: PLR0915  (one loop in one frame on purpose: see the docstring)
    arrivals: FloatArray,
    service_seconds: FloatArray,
    deadlines: FloatArray,
    change_times: FloatArray,
    servers: IntArray,
    rng: np.random.Generator,
) -> FloatArray:
    """Start time of each contact's service (NaN: abandoned, or never served).

    Args:
        arrivals: arrival times in seconds, sorted ascending.
        service_seconds: each contact's handle time.
        deadlines: the time each contact abandons if not served by then (``inf``: never).
        change_times: times at which the number of servers changes, sorted ascending; the
            first is the start of the horizon (servers before it: none).
        servers: the number of servers from each change time on.
        rng: draws who leaves when the number of servers falls.

    Returns:
        Service start per contact, in the order of ``arrivals``. A contact still waiting when
        the events run out (no server comes back) is NaN, like one that abandoned; the
        caller tells them apart by ``deadlines``.

    Over 80 lines on purpose: the loop runs two or three times per contact, so it keeps its
    state in locals and starts an arriving contact without going through the queue. Helper
    calls per event, or every arrival through the queue (5 lines fewer), cost 4% of its time
    (100,000 contacts: 50 ms against 52 ms, best of 15, 2026-12-05); only the rare branch
    (fewer servers) is a function of its own, :func:`_leave_busy`.
    """
    count = arrivals.size
    arrival = arrivals.tolist()
    service = service_seconds.tolist()
    deadline = deadlines.tolist()
    times = change_times.tolist()
    levels = servers.tolist()
    starts = [math.nan] * count
    completions: list[float] = []
    overtime: set[float] = set()  # completion times of contacts finished by leavers
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
            if overtime and now in overtime:
                overtime.discard(now)  # a leaver finished: no server comes free
                continue
            busy -= 1
        elif next_change <= next_arrival:
            now = next_change
            level = levels[j]
            j += 1
            next_change = times[j] if j < changes else infinity
            if level < capacity and busy:
                busy -= _leave_busy(rng, completions, overtime, busy, capacity, level)
            capacity = level
        else:
            now = next_arrival
            if busy < capacity and not waiting:  # the common case, without the queue
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


def _leave_busy(
    rng: np.random.Generator,
    completions: list[float],
    overtime: set[float],
    busy: int,
    capacity: int,
    level: int,
) -> int:
    """How many of the agents leaving (``capacity`` falls to ``level``) are busy: a
    hypergeometric draw among the ``busy`` of all on the floor. Their contacts, picked at
    random among those in progress, join ``overtime``: finished late, by agents who no
    longer hold a server."""
    leaving = int(rng.hypergeometric(busy, capacity - busy, capacity - level))
    if leaving:
        staying = [end for end in completions if end not in overtime]
        picked = rng.choice(len(staying), size=leaving, replace=False)
        overtime.update(staying[k] for k in picked.tolist())
    return leaving
