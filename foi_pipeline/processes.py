"""Whether a process that took part in a run (publishing, staging, holding a pool slot) is still running.

A run killed by SIGKILL, the OOM killer or a closed terminal cleans nothing up; what it left is recognised
by its process being gone. A pid can be given to a new process later, so on Linux a process counts only if
it started no later than the moment the old one was known to run.
"""

from __future__ import annotations

import os
from pathlib import Path

_PROC = Path("/proc/self/stat").exists()
_SLACK_S = 1.0  # /proc gives the boot time in whole seconds


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise OSError("no btime in /proc/stat")


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def process_alive(pid: int, running_at: float) -> bool:
    """True if `pid` runs and is the process that was running at `running_at` (a Unix time), not a later one."""
    if pid <= 0:
        return False
    if not _PROC:
        return _exists(pid)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        return _exists(pid)
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    state, start_ticks = fields[0], int(fields[19])
    if state in ("Z", "X"):  # killed, not yet reaped by its parent
        return False
    return _boot_time() + start_ticks / os.sysconf("SC_CLK_TCK") <= running_at + _SLACK_S
