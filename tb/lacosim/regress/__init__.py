"""`make regress`: the nightly regression. Every TEST x SEEDS seeds, every sw/ program no TEST owns, and
random differential chunks, run as Parsl apps (local worker processes by default; Slurm/LSF/PBS through
REGRESS_CONFIG=<parsl config file>), with a progress bar; failures are re-run with waves; JUnit XML, an HTML
report with plots, merged coverage and a SQLite history are written under build/regress/.

One concern per module:
  plan         what runs (jobs, their commands and reproduce commands, TESTS= selection)
  engine       how it runs: Parsl configuration, the job app, cancellation
  outcome      what a finished run means: status, failure headline and text, fresh coverage and stats
  autowaves    re-running failures with waves
  progress     the progress bar (rich) or plain lines
  junit, html_report, plots, history, provenance   the reports
  cli          `python -m lacosim.regress`: ties them together
"""

from __future__ import annotations

from lacosim.regress.plan import RANDOM_PER_SEED, Job, plan, select


def main(argv: list[str] | None = None) -> int:
    from lacosim.regress.cli import main as cli_main  # noqa: PLC0415  (imports parsl, matplotlib)
    return cli_main(argv)


__all__ = ["RANDOM_PER_SEED", "Job", "main", "plan", "select"]
