"""Shared by the peer loaders (load_igraph.py, load_networkx.py): times a load
function over warm-up + trials under one wall-clock cap (SIGALRM), and records
the outcome in the script's JSON object: status "ok", "timeout" or
"out of memory", wall and CPU seconds per trial and their medians."""
import signal
import statistics
import time


class TimeUp(Exception):
    pass


def _on_alarm(signum, frame):
    raise TimeUp()


def time_trials(out, load, describe, trials, warmup, timeout):
    """Runs `load()` warmup + trials times; `describe(result)` returns the fields
    (e.g. nodes, edges) to record. Fills `out` in place."""
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    times, cpu = [], []
    try:
        for i in range(warmup + trials):
            t0, c0 = time.perf_counter(), time.process_time()
            g = load()
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            if i >= warmup:
                times.append(dt)
                cpu.append(dc)
            out.update(describe(g))
            del g
        out["status"] = "ok"
    except TimeUp:
        out["status"] = "timeout"
    except MemoryError:
        out["status"] = "out of memory"
    signal.setitimer(signal.ITIMER_REAL, 0)
    out["timeout_s"] = timeout
    out["trials_s"] = times
    out["median_s"] = statistics.median(times) if times else None
    out["cpu_trials_s"] = cpu
    out["cpu_median_s"] = statistics.median(cpu) if cpu else None
    return out
