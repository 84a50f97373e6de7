"""Holding off SIGTERM and SIGINT for a few lines that must not be cut in two.

A worker stopped gracefully (SIGTERM to the worker, or to one of its pool processes, as an
orchestrator or an operator does) must never leave work half recorded. Inside the block a
SIGTERM or SIGINT is only noted; when the block ends the process's own handling is put back
and the signal raised again, so it takes effect then (a handler runs, or the default action
ends the process). Python runs signal handlers in the main thread only, so this works
whichever thread the kernel picked. SIGKILL cannot be held off; what it cuts in two is the
caller's to recover (see journey's outbox).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HELD = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def termination_deferred() -> Iterator[None]:
    # signal.signal() can only be called from the main thread, the only one that runs
    # handlers: elsewhere (a runserver request thread) there is nothing to hold off.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def note(signum, frame) -> None:
        if signum not in received:
            received.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in HELD}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            # None: a handler installed outside Python; the default is the closest to it.
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for signum in received:
            signal.raise_signal(signum)
