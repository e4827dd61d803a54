"""Ctrl-C held back while a write is half done.

A ``KeyboardInterrupt`` can arrive between any two bytecodes: just after SQLite's
``BEGIN IMMEDIATE`` (the write lock then stays held by a connection nobody will use
again) or between creating a trial and recording its lease. Code that must not stop
half-way runs inside :func:`held`: a Ctrl-C that arrives meanwhile is raised when the
block ends, in the same thread, as if it had arrived a moment later.

Only the main thread receives signals, so only there is anything held (elsewhere
:func:`held` does nothing). The SIGINT handler is Python's own behaviour (raise
``KeyboardInterrupt``) except while a block is held; it is installed once, and only over
Python's default handler: a handler the user installed is left alone and is then not
deferred.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

_MAIN = threading.main_thread()


class _State:
    depth = 0  # held blocks open in the main thread
    pending = False  # a SIGINT arrived while held
    installed = False


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    if _State.depth:
        _State.pending = True
        return
    raise KeyboardInterrupt


def _install() -> bool:
    if _State.installed:
        return signal.getsignal(signal.SIGINT) is _on_sigint
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)
        _State.installed = True
        return True
    return False


def pending() -> bool:
    """Whether a Ctrl-C is waiting for the held block to end (for loops that wait)."""
    return _State.pending


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Run the block without a Ctrl-C in the middle; one that arrives is raised at its end."""
    if threading.current_thread() is not _MAIN or not _install():
        yield
        return
    _State.depth += 1
    try:
        yield
    finally:
        _State.depth -= 1
        if _State.depth == 0 and _State.pending:
            _State.pending = False
            raise KeyboardInterrupt
