"""The execution engine: Parsl. Each job is a Parsl python app that runs one command (the same command as
`make sim`) with its output in a log file, in a worker process of whatever executor the configuration gives:

* by default, a HighThroughputExecutor with JOBS worker processes on this machine (LocalProvider);
* with `REGRESS_CONFIG=<file.py>` (or `--config`), the parsl `Config` that file defines (a module-level
  `config`, or `make_config(jobs: int, run_dir: str)` returning one): Slurm, LSF, PBS, ... with no code
  change. sim/regress/slurm.py is an example. The repository (and so build/) must be on a file system the
  workers share, at the same path.

Parsl futures cannot be cancelled, so Ctrl-C is carried out through a flag file every job polls: a job
that has not started returns at once, a running one interrupts its simulation (SIGINT, then SIGKILL) and
returns; either way the job reports `cancelled`. Closing a cancelled engine waits for its running jobs to do
that before Parsl stops the workers: a worker killed first would leave its command's session running.
"""

from __future__ import annotations

import os
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, as_completed, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parsl.config import Config
from parsl.dataflow.dflow import DataFlowKernel
from parsl.executors import HighThroughputExecutor
from parsl.providers import LocalProvider

CANCEL_POLL_SECONDS = 0.25
CANCEL_GRACE_SECONDS = 10.0  # after SIGINT, before SIGKILL (the simulator stops at its next batch)
CANCEL_DRAIN_SECONDS = CANCEL_GRACE_SECONDS + 10.0  # a cancelled engine's wait for its running jobs


@dataclass(frozen=True)
class RunRecord:
    """What a worker reports about one command it ran."""
    returncode: int
    started: float          # epoch seconds on the worker, just before the command started
    seconds: float
    host: str
    worker_pid: int
    cancelled: bool = False


def run_command(argv: list[str], env: dict[str, str], cwd: str, log: str, cancel_flag: str) -> RunRecord:
    """Runs in a Parsl worker: `argv` in `cwd` with `env` added to the worker's environment, stdout and
    stderr to `log`. The command gets its own session so that cancelling it reaches its children."""
    host, pid = socket.gethostname(), os.getpid()
    if os.path.exists(cancel_flag):
        return RunRecord(-signal.SIGINT, time.time(), 0.0, host, pid, cancelled=True)
    started = time.time()
    t0 = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,  # noqa: S603
                                env={**os.environ, **env}, start_new_session=True)
        cancelled = False
        while True:
            try:
                rc = proc.wait(timeout=CANCEL_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if not cancelled and os.path.exists(cancel_flag):
                    cancelled = True
                    _interrupt(proc)
        if cancelled:
            out.write("\nlacosim.regress: cancelled (Ctrl-C)\n")
    return RunRecord(rc, started, time.perf_counter() - t0, host, pid, cancelled)


def _interrupt(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=CANCEL_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def local_config(jobs: int, run_dir: Path) -> Config:
    """JOBS worker processes on this machine, talking to the interchange over loopback."""
    executor = HighThroughputExecutor(label="local", address="127.0.0.1", max_workers_per_node=jobs,
                                      cores_per_worker=1e-6,  # JOBS decides, not the core count
                                      provider=LocalProvider(init_blocks=1, min_blocks=1, max_blocks=1))
    return Config(executors=[executor], run_dir=str(run_dir), strategy="none", strategy_period=0.5,
                  usage_tracking=0, initialize_logging=True)


def load_config(path: str, jobs: int, run_dir: Path) -> Config:
    """The parsl Config a REGRESS_CONFIG file defines: `config`, or `make_config(jobs, run_dir)`."""
    names = runpy.run_path(path)
    if callable(names.get("make_config")):
        config = names["make_config"](jobs=jobs, run_dir=str(run_dir))
    else:
        config = names.get("config")
    if not isinstance(config, Config):
        raise SystemExit(f"regress: REGRESS_CONFIG={path} defines neither `config` (a parsl Config) nor "
                         f"`make_config(jobs, run_dir)` returning one")
    if config.run_dir == "runinfo":  # parsl's default would litter the repository root
        config.run_dir = str(run_dir)
    return config


def describe(config: Config) -> str:
    parts = []
    for ex in config.executors:
        provider = getattr(ex, "provider", None)
        workers = getattr(ex, "max_workers_per_node", None)
        parts.append(f"{type(ex).__name__}({ex.label}"
                     + (f", {type(provider).__name__}" if provider is not None else "")
                     + (f", {workers:g} workers per node" if isinstance(workers, int | float) else "") + ")")
    return ", ".join(parts)


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Engine:
    """A running Parsl DataFlowKernel plus the cancel flag of one regression."""

    def __init__(self, config: Config, flag_dir: Path) -> None:
        self.description = describe(config)
        bindir = str(Path(sys.executable).parent)  # interchange.py / process_worker_pool.py live beside python
        if bindir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
        flag_dir.mkdir(parents=True, exist_ok=True)
        self.cancel_flag = flag_dir / f"cancel-{uuid.uuid4().hex}"
        # The interchange runs in our process group: keep the terminal's Ctrl-C from killing it (and from
        # printing its traceback); we stop it ourselves in close().
        in_main = threading.current_thread() is threading.main_thread()  # only it may set handlers
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
        try:
            self.dfk = DataFlowKernel(config)
        finally:
            if in_main:
                signal.signal(signal.SIGINT, previous)
        # `kill` (SIGTERM) stops a regression the way Ctrl-C does: runs cancelled, Parsl's interchange and workers
        # shut down, reports written; its default action would leave the interchange and workers running
        self._previous_term = signal.signal(signal.SIGTERM, _terminate_as_interrupt) if in_main else None
        self._run_command = self.app(run_command)
        self._submitted: list[Future[RunRecord]] = []

    def app(self, fn: Callable[..., Any]) -> Callable[..., Future[Any]]:
        from parsl import python_app  # noqa: PLC0415
        return python_app(fn, data_flow_kernel=self.dfk)

    def submit(self, argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> Future[RunRecord]:
        fut = self._run_command(argv, env, str(cwd), str(log), str(self.cancel_flag))
        self._submitted = [f for f in self._submitted if not f.done()] + [fut]
        return fut

    def cancel(self) -> None:
        self.cancel_flag.touch()

    @property
    def cancelled(self) -> bool:
        return self.cancel_flag.exists()

    def close(self) -> None:
        if self.cancelled:  # let each running job stop its command (it polls the flag) before the workers go
            try:
                wait(self._submitted, timeout=CANCEL_DRAIN_SECONDS)
            except KeyboardInterrupt:  # a second Ctrl-C: stop waiting
                pass
        self.dfk.cleanup()
        self.cancel_flag.unlink(missing_ok=True)
        if self._previous_term is not None:
            signal.signal(signal.SIGTERM, self._previous_term)
            self._previous_term = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def completed(futures: list[Future[Any]], timeout: float | None = None) -> Iterator[Future[Any]]:
    """The futures as they finish (a thin wrapper so a caller can catch KeyboardInterrupt around it)."""
    yield from as_completed(futures, timeout=timeout)
