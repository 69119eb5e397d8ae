"""The README's commands run top to bottom, as written, in a fresh folder.

Each ``bash`` block of the README is read in order; a command is its lines joined at the
trailing backslashes, comments dropped. ``make`` lines are the two commands of the README's
first block (``make test`` is this very suite, ``make run`` serves until stopped) and are not
run here. Every other command must exit 0 in a folder that holds only ``data/`` (the sample
data), so a command that reads a file an earlier command has not made yet fails the test.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
STAFFCAST = Path(sys.executable).parent / "staffcast"
TIMEOUT_SECONDS = 600


def readme_commands(text: str) -> list[str]:
    """The shell commands of the README's ``bash`` blocks, in order."""
    commands: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            command = line.split(" #", 1)[0].strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def test_readme_commands_are_read_whole_and_in_order() -> None:
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert commands[:2] == ["make run", "make test"]
    staffcast = [command for command in commands if command.startswith("staffcast ")]
    assert staffcast, "the README shows no staffcast command"
    made = [i for i, c in enumerate(staffcast) if "-o forecast.csv" in c]
    used = [i for i, c in enumerate(staffcast) if c.startswith("staffcast requirements forecast")]
    assert made, staffcast
    assert used, staffcast
    assert made[0] < used[0], staffcast


def test_every_readme_command_runs_top_to_bottom(tmp_path: Path) -> None:
    (tmp_path / "data").symlink_to(REPO / "data", target_is_directory=True)
    for command in readme_commands(README.read_text(encoding="utf-8")):
        words = shlex.split(command)
        if words[0] == "make":
            continue
        assert words[0] == "staffcast", f"the README runs {command!r}: not a staffcast command"
        assert not any(word.startswith("[") for word in words), f"optional part left in {command!r}"
        done = subprocess.run(
            [str(STAFFCAST), *words[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        assert done.returncode == 0, f"{command}\nexit {done.returncode}\n{done.stderr[-3000:]}"
