"""The lockstep checker's process (LOCKSTEP=beside, design.md 10.1), started by the runner before the
simulator: its start-up (Python, numpy, pyuvm, the ELF, the reference model: about half a second) then
overlaps the simulator's own instead of holding up the first batch. Two pipes join the two processes: the
runner hands one end of each to the checker and the other ends to the simulator (CHECKER_ENV names their
descriptors there), keeps none open while both run, and collects the checker's exit status at the end.

This module stays light: the runner imports it, and the runner's start-up counts in every `make sim`."""

from __future__ import annotations

import os
import subprocess
import sys

CHECKER_ENV = "LACOSIM_LOCKSTEP_CHECKER"  # "<cmd fd>,<result fd>,<checker pid>" in the simulator's environment
EXIT_WAIT_S = 30.0  # after the simulator ended: the checker ends at EOF, at once unless it is stuck


class CheckerProcess:
    """The checker process and the simulator's ends of its pipes, from start to exit status."""

    def __init__(self, env: dict[str, str]) -> None:
        cmd_r, self.cmd_w = os.pipe()
        self.res_r, res_w = os.pipe()
        try:
            # its own session: a terminal's Ctrl-C must not reach the checker (the simulator ends the run,
            # then the checker at EOF)
            self.proc = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "lacosim.env.lockstep_beside", str(cmd_r), str(res_w)],
                env=env, pass_fds=(cmd_r, res_w), start_new_session=True)
        except BaseException:
            for fd in (self.cmd_w, self.res_r):
                os.close(fd)
            raise
        finally:
            os.close(cmd_r)  # only the checker holds these: EOF reaches the simulator if it dies
            os.close(res_w)

    @property
    def simulator_fds(self) -> tuple[int, int]:
        return self.cmd_w, self.res_r

    def simulator_env(self) -> dict[str, str]:
        return {CHECKER_ENV: f"{self.cmd_w},{self.res_r},{self.proc.pid}"}

    def finish(self) -> int:
        """After the simulator exited: close its ends (the checker sees EOF), wait for the checker; its exit
        status (killed after EXIT_WAIT_S: -9)."""
        for fd in (self.cmd_w, self.res_r):
            os.close(fd)
        try:
            return self.proc.wait(timeout=EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        except KeyboardInterrupt:
            self.proc.kill()
            self.proc.wait()
            raise


def simulator_end() -> tuple[int, int, int]:
    """In the simulator: (cmd fd, result fd, checker pid) the runner passed on."""
    value = os.environ.get(CHECKER_ENV, "")
    try:
        cmd_w, res_r, pid = (int(v) for v in value.split(","))
    except ValueError:
        raise RuntimeError(f"LOCKSTEP=beside: {CHECKER_ENV}={value!r} is not '<cmd fd>,<result fd>,<pid>': "
                           f"the simulator must be started by lacosim's runner (make sim)") from None
    return cmd_w, res_r, pid
