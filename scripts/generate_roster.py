"""Write ``data/sample/agents.csv``: the sample team's roster, sized for the sample demand.

Seeded and deterministic. About 140 agents: voice and email, voice and chat, chat and email,
a fifth on all three channels; a quarter part-time (20-30 h), some with recurring unavailability,
approved time off in the sample week, or a preferred start. Run with
``.venv/bin/python scripts/generate_roster.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261207
AGENTS = 140
SKILLS = (
    ("voice|email", 0.30),
    ("voice|chat", 0.25),
    ("chat|email", 0.25),
    ("voice|chat|email", 0.20),
)
"""Most agents hold the email skill: email is worked in the quiet hours of voice and chat by
the same people, as in most support teams (the sample week then meets its email target)."""
FIRST_NAMES = ("Ana", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jamal")
UNAVAILABLE = ("mon-fri 00:00-07:00", "sat-sun 00:00-24:00", "wed 00:00-12:00", "sun 00:00-24:00")
PREFERRED = ("07:00", "08:00", "09:00", "12:00", "14:00")
TIME_OFF = ("2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11")


def roster(rng: np.random.Generator) -> pd.DataFrame:
    """The sample roster as the agents CSV columns."""
    names = [name for name, _ in SKILLS]
    weights = [weight for _, weight in SKILLS]
    rows = []
    for number in range(1, AGENTS + 1):
        part_time = rng.random() < 0.25
        rows.append(
            {
                "agent_id": f"A{number:03d}",
                "name": f"{FIRST_NAMES[(number - 1) % len(FIRST_NAMES)]} {number}",
                "skills": names[int(rng.choice(len(names), p=weights))],
                "min_hours": 20 if part_time else "",
                "max_hours": 30 if part_time else "",
                "unavailable": rng.choice(UNAVAILABLE) if rng.random() < 0.15 else "",
                "time_off": rng.choice(TIME_OFF) if rng.random() < 0.05 else "",
                "preferred_start": rng.choice(PREFERRED) if rng.random() < 0.3 else "",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    """Write the roster next to the sample history."""
    out = Path(__file__).resolve().parent.parent / "data" / "sample" / "agents.csv"
    roster(np.random.default_rng(SEED)).to_csv(out, index=False)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
