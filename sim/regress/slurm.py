"""Example REGRESS_CONFIG: run `make regress` on a Slurm cluster through Parsl.

    make regress SEEDS=20 REGRESS_CONFIG=sim/regress/slurm.py

NOT RUNNABLE ON THIS MACHINE: there is no Slurm here. It is an example to copy and adapt (partition,
account, walltime, nodes, network interface); a unit test only checks that it loads and builds a Config.

What the cluster needs:
* The repository, its .venv and build/ on a file system shared by the submit host and the compute nodes, at
  the same path: jobs write their logs under build/regress/logs, read the Verilator models from
  build/verilator and write their run directories under build/run.
* Compute nodes of the same OS and CPU family as the submit host: the models are built there, once, before
  any job starts (as on one machine), and the nodes only run them.
* The compute nodes can reach the submit host over TCP (the interchange, ports 54000-56000 by default).

How it scales: each Slurm job (a Parsl "block") takes one node and runs WORKERS_PER_NODE simulations at a
time; Parsl submits up to MAX_BLOCKS of them while jobs are waiting and gives them back when idle.

LSF or PBS: the same with parsl.providers.LSFProvider or PBSProProvider (and their launchers); see the
Parsl documentation, "Configuration". Only the provider changes; lacosim needs no code change.
"""

from __future__ import annotations

import sys
from pathlib import Path

from parsl.addresses import address_by_hostname
from parsl.config import Config
from parsl.executors import HighThroughputExecutor
from parsl.launchers import SrunLauncher
from parsl.providers import SlurmProvider

REPO = Path(__file__).resolve().parents[2]
PARTITION = "compute"         # adapt: your partition
ACCOUNT = None                # adapt: your account, if the cluster wants one
WALLTIME = "02:00:00"         # per block; a block runs many simulations one after the other
WORKERS_PER_NODE = 16         # simulations at a time on one node (each is single-threaded)
MAX_BLOCKS = 8                # nodes at most


def make_config(jobs: int, run_dir: str) -> Config:
    """`jobs` (JOBS=) is the local default's worker count; on a cluster WORKERS_PER_NODE and MAX_BLOCKS decide."""
    del jobs
    venv_bin = Path(sys.executable).parent  # the same venv on the shared file system
    return Config(
        executors=[HighThroughputExecutor(
            label="slurm",
            address=address_by_hostname(),  # or address_by_interface("ib0") on an InfiniBand cluster
            max_workers_per_node=WORKERS_PER_NODE,
            cores_per_worker=1,
            provider=SlurmProvider(
                partition=PARTITION,
                account=ACCOUNT,
                nodes_per_block=1,
                init_blocks=1,
                min_blocks=0,
                max_blocks=MAX_BLOCKS,
                walltime=WALLTIME,
                exclusive=False,
                launcher=SrunLauncher(),
                worker_init=f"export PATH={venv_bin}:$PATH; cd {REPO}",
            ),
        )],
        run_dir=run_dir,
        usage_tracking=0,
    )
