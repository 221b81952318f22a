"""Worker processes that a kernel's shutdown does not interrupt.

A Jupyter kernel is shut down by an interrupt first: jupyter_client sends SIGINT to the kernel's
whole process group, and the worker processes of a :class:`ProcessPoolExecutor` it spawned are
in that group. Idle workers, blocked reading their job queue, then die of a KeyboardInterrupt
and print its traceback to the notebook run's stderr (the end of chapters 08-10 in ``make book``
and ``make run``), although the kernel's own exit shuts the pool down cleanly right after.

:func:`quiet_process_pool` starts every worker (and multiprocessing's resource tracker, if it is
not running yet) while SIGINT is ignored in the caller: a spawned process keeps an ignored
SIGINT (execve keeps SIG_IGN, and Python installs its KeyboardInterrupt handler only over the
default), and the pool's initializer ignores it again in any worker started later. Workers then
stop only when told to: by the pool's shutdown, or by SIGTERM (``Process.terminate``), which is
how :func:`assocmem.training.runs.cached_train_many` stops the runs in flight when the caller
itself is interrupted.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from concurrent.futures import ProcessPoolExecutor


def ignore_sigint() -> None:
    """Ignore SIGINT in this process (a pool's initializer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def sigint_ignored():
    """SIGINT ignored for the duration, where this thread may set signal handlers (the main
    thread); elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _started() -> None:
    """A job that does nothing: submitting one spawns a worker."""


def quiet_process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes, all started now, that ignore SIGINT.

    With the spawn context, the pool starts a process per submitted job while none is idle, up
    to ``workers``: ``workers`` empty jobs submitted back to back start them all (a job cannot
    finish, and make a worker idle, before its process has booted Python, which takes far longer
    than the submissions). The caller's SIGINT is ignored only while the processes are started.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"argument 'workers' must be an integer >= 1; got {workers!r}")
    with sigint_ignored():
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=ignore_sigint)
        for _ in range(workers):
            pool.submit(_started)
    return pool
