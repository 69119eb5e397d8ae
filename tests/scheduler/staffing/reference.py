"""An independent high-precision reference for the queueing math (mpmath, 40 digits).

Written from the textbook definitions, sharing no code with ``scheduler.staffing.queueing``:
Erlang B and C from their factorial sums, Erlang A from the truncated birth-death chain of M/M/N+M
and, for the service level, the hypoexponential distribution of a waiting contact's time to
service summed with the explicit distinct-rates formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

mpmath.mp.dps = 40
mpf = mpmath.mpf


def erlang_b(servers: int, load: float) -> mpmath.mpf:
    """B(N, A) = (A^N / N!) / sum_{k<=N} A^k / k!."""
    a = mpf(load)
    terms = [mpmath.power(a, k) / mpmath.factorial(k) for k in range(servers + 1)]
    return terms[-1] / mpmath.fsum(terms)


def erlang_c(servers: int, load: float) -> mpmath.mpf:
    """C(N, A) from the M/M/N stationary distribution; 1 if N <= A."""
    a, n = mpf(load), mpf(servers)
    if n <= a:
        return mpf(1)
    below = mpmath.fsum(mpmath.power(a, k) / mpmath.factorial(k) for k in range(servers))
    top = mpmath.power(a, servers) / mpmath.factorial(servers) * n / (n - a)
    return top / (below + top)


@dataclass(frozen=True)
class Kpis:
    p_wait: mpmath.mpf
    p_abandon: mpmath.mpf
    service_level: mpmath.mpf
    asa_seconds: mpmath.mpf


def erlang_c_kpis(servers: int, load: float, aht: float, answer: float) -> Kpis:
    """Erlang C KPIs: SL = 1 - C exp(-(N - A) t / AHT), ASA = C AHT / (N - A)."""
    c = erlang_c(servers, load)
    if servers <= load:
        return Kpis(c, mpf(0), mpf(0), mpmath.inf)
    gap = mpf(servers) - mpf(load)
    sl = 1 - c * mpmath.exp(-gap * mpf(answer) / mpf(aht))
    return Kpis(c, mpf(0), sl, c * mpf(aht) / gap)


def _hypoexponential_cdf(rates: list[mpmath.mpf], t: mpmath.mpf) -> mpmath.mpf:
    """P(sum of independent Exp(r_i) <= t) for distinct rates (explicit formula).

    The alternating weights cancel heavily, so this sum runs at 120 digits.
    """
    with mpmath.workdps(120):
        total = mpf(0)
        for i, r_i in enumerate(rates):
            weight = mpf(1)
            for m, r_m in enumerate(rates):
                if m != i:
                    weight *= r_m / (r_m - r_i)
            total += weight * mpmath.exp(-r_i * t)
        return 1 - total


def erlang_a_kpis(servers: int, load: float, aht: float, patience: float, answer: float) -> Kpis:
    """Erlang A from the birth-death chain, truncated where the tail is below 1e-45.

    Service level: share of offered contacts answered within ``answer`` seconds (abandoned
    contacts count as not answered in time).
    """
    mu, theta = 1 / mpf(aht), 1 / mpf(patience)
    lam = mpf(load) * mu
    weights = [mpf(1)]
    for n in range(1, servers + 1):
        weights.append(weights[-1] * lam / (n * mu))
    j = 0
    while True:
        j += 1
        weights.append(weights[-1] * lam / (servers * mu + j * theta))
        if j > lam / theta and weights[-1] < mpf(10) ** -45 * weights[servers]:
            break
    z = mpmath.fsum(weights)
    probabilities = [w / z for w in weights]
    p_wait = mpmath.fsum(probabilities[servers:])
    queue = [(k, probabilities[servers + k]) for k in range(len(probabilities) - servers)]
    p_abandon = theta * mpmath.fsum(k * p for k, p in queue) / lam
    served_in_time = 1 - p_wait
    served_wait = mpf(0)
    t = mpf(answer)
    for ahead, p in queue:
        if p < mpf(10) ** -42:
            continue
        # Stages with `ahead`, ..., 0 contacts in front: exit rate N mu + (k + 1) theta,
        # moving up with probability (N mu + k theta) / exit rate.
        rates = [servers * mu + (k + 1) * theta for k in range(ahead + 1)]
        advance = mpmath.fprod(
            (servers * mu + k * theta) / r for k, r in zip(range(ahead + 1), rates, strict=True)
        )
        served_in_time += p * advance * _hypoexponential_cdf(rates, t)
        served_wait += p * advance * mpmath.fsum(1 / r for r in rates)
    answered = 1 - p_abandon
    return Kpis(p_wait, p_abandon, served_in_time, served_wait / answered)
