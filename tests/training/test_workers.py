"""Pool workers survive the interrupt a kernel's shutdown sends to its process group, and stop
cleanly when the pool is shut down (no KeyboardInterrupt traceback on stderr)."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from assocmem.training.workers import quiet_process_pool, sigint_ignored


def test_quiet_pool_workers_ignore_sigint_and_stop_cleanly():
    pool = quiet_process_pool(2)
    try:
        processes = list(pool._processes.values())
        assert len(processes) == 2  # all started at once, not on demand
        assert pool.submit(os.getpid).result(timeout=60) in {p.pid for p in processes}
        for p in processes:
            os.kill(p.pid, signal.SIGINT)  # what jupyter_client's shutdown does first
        assert sorted(f.result(timeout=60) for f in [pool.submit(abs, -3), pool.submit(abs, 4)]) \
            == [3, 4]
        assert all(p.is_alive() for p in processes)
    finally:
        pool.shutdown(wait=True)
    assert all(p.exitcode == 0 for p in processes)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_sigint_is_restored_after_an_error():
    with pytest.raises(RuntimeError), sigint_ignored():
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        raise RuntimeError
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_group_interrupt_leaves_no_traceback():
    """The kernel's shutdown, in small: SIGINT to the process group, then a normal exit."""
    script = textwrap.dedent("""
        import os, signal, sys, time
        from assocmem.training.workers import quiet_process_pool
        pool = quiet_process_pool(2)
        print(pool.submit(abs, -1).result(timeout=60), flush=True)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the kernel handles its own interrupt
        os.killpg(os.getpgrp(), signal.SIGINT)
        time.sleep(0.5)
        pool.shutdown(wait=True)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, start_new_session=True)
    assert done.returncode == 0 and done.stdout.strip() == "1", done.stderr
    assert "KeyboardInterrupt" not in done.stderr and "Traceback" not in done.stderr
