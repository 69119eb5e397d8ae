"""Collect row-level problems of an imported table, vectorised, up to a limit.

Checks run over whole columns and hand in a boolean mask; only the first few failing rows of
each check are turned into messages, so a file with 300,000 bad cells costs no more than one
with ten. Rows are numbered as a spreadsheet shows them: the header is row 1, the first data
row is row 2.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from forecast.errors import InvalidHistoryError

SHOWN_CHARACTERS = 40  # of a long cell, in a message: enough to find it, never megabytes


def show(value: object) -> str:
    """A cell as the user typed it: text quoted, an empty cell named as such, a long one cut
    to its first characters and its length."""
    if isinstance(value, str):
        if value.strip() == "":
            return "an empty cell"
        if len(value) > SHOWN_CHARACTERS:
            return f"{value[:SHOWN_CHARACTERS]!r}... ({len(value):,} characters)"
        return repr(value)
    return str(value)


class RowProblems:
    """Problems found in a table, each naming its row, column and value.

    Args:
        limit: how many messages to keep; every problem is still counted.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"max_errors must be at least 1, not {limit}")
        self.limit = limit
        self.count = 0
        self._messages: list[tuple[int, int, str]] = []

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, row: int, message: str) -> None:
        """Record one problem of spreadsheet row ``row`` (0 for the file as a whole)."""
        self.count += 1
        self._messages.append((row, len(self._messages), message))

    def add_where(
        self,
        mask: npt.NDArray[np.bool_],
        rows: npt.NDArray[np.int64],
        message: Callable[[int], str],
    ) -> None:
        """Record a problem for every position where ``mask`` is true.

        Args:
            mask: which positions of the table fail the check.
            rows: spreadsheet row number of each position.
            message: builds the text for one position; it is called for at most ``limit``
                positions, so it may be slow.
        """
        positions = np.flatnonzero(mask)
        self.count += int(positions.size)
        for position in positions[: self.limit]:
            self._messages.append(
                (int(rows[position]), len(self._messages), message(int(position)))
            )

    def messages(self) -> list[str]:
        """The kept messages in row order, with a last line saying how many were left out."""
        kept = [text for _, _, text in sorted(self._messages)[: self.limit]]
        if self.count > len(kept):
            kept.append(f"... and {self.count - len(kept)} more problem(s) not listed")
        return kept

    def raise_if_any(self, what: str) -> None:
        """Reject the whole input if any problem was found.

        Raises:
            InvalidHistoryError: with every kept message in ``errors``.
        """
        if not self.count:
            return
        messages = self.messages()
        raise InvalidHistoryError(
            f"{what} was rejected with {self.count} problem(s); nothing was imported. "
            f"First: {messages[0]}",
            messages,
        )
