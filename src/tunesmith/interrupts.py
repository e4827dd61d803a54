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

import signal
import threading

# signal.getsignal wraps this in an enum lookup that costs microseconds when the handler
# is a function (an exception each call); the C function answers in tens of nanoseconds
from _signal import getsignal as _getsignal  # type: ignore[import-not-found]
from types import FrameType, TracebackType

_MAIN = threading.main_thread().ident


class _State:
    held: list[bool] = []  # noqa: RUF012  (the main thread's open blocks: holding or not)
    pending = False  # a SIGINT arrived while held
    installed = False


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    if any(_State.held):
        _State.pending = True
        return
    raise KeyboardInterrupt


def _holds() -> bool:
    """Whether SIGINT is (or now becomes) ours to hold: only over Python's default."""
    handler = _getsignal(signal.SIGINT)
    if handler is _on_sigint:
        return True
    if handler is signal.default_int_handler and not _State.installed:
        signal.signal(signal.SIGINT, _on_sigint)
        _State.installed = True
        return True
    return False


def pending() -> bool:
    """Whether a Ctrl-C is waiting for the held block to end (for loops that wait)."""
    return _State.pending


class _Held:
    """The context manager :func:`held` returns (one object: it is cheap to enter, a
    couple of dictionary lookups, as it runs twice a trial)."""

    __slots__ = ()

    def __enter__(self) -> None:
        if threading.get_ident() == _MAIN:
            _State.held.append(_holds())

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if threading.get_ident() != _MAIN:
            return
        _State.held.pop()
        if _State.pending and not any(_State.held):
            _State.pending = False
            raise KeyboardInterrupt


_HELD = _Held()


def held() -> _Held:
    """Run the block without a Ctrl-C in the middle; one that arrives is raised at its end."""
    return _HELD
