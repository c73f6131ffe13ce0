"""Progress of ``fieldgrad run`` on stderr: a tqdm bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import contextlib
import sys
from typing import Any, TextIO


class Progress:
    """A tqdm bar on a terminal; plain lines when stderr is a file or a pipe."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.bar: Any = None
        if is_terminal(stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=stream, unit="scenario", dynamic_ncols=True)

    def start(self, name: str) -> None:
        if self.bar is not None:
            self.bar.set_description(name)
        else:
            self._line(f"[{self.done + 1}/{self.total}] {name} ...")

    def finish(self, name: str, status: str) -> None:
        self.done += 1
        self._line(f"[{self.done}/{self.total}] {name} {status}")
        if self.bar is not None:
            self.bar.update()

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    @contextlib.contextmanager
    def stdout(self) -> Any:
        """While a scenario prints its table: keep the bar below the printed lines."""
        if self.bar is None or not is_terminal(sys.stdout):
            yield
            return
        with contextlib.redirect_stdout(_AboveBar(self.bar, sys.stdout)):
            yield

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _AboveBar:
    """A stdout that clears the bar, writes whole lines, and draws the bar again."""

    def __init__(self, bar: Any, stream: TextIO) -> None:
        self.bar, self.stream, self.pending = bar, stream, ""

    def write(self, text: str) -> int:
        self.pending += text
        if "\n" in self.pending:
            lines, _, self.pending = self.pending.rpartition("\n")
            self.bar.clear()
            self.stream.write(lines + "\n")
            self.stream.flush()
            self.bar.refresh()
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is an interactive terminal."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
