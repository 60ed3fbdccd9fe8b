"""The HTML report of a regression (build/regress/report.html): when and on what commit it ran, a row per
run with its failure reason, a reproduce command that works when pasted, its log and its auto-waves FST;
the merged functional coverage with its holes; plots (inline SVG); the history across regressions."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path

from lacosim.env.coverage import PLAN, Coverage
from lacosim.regress import plots
from lacosim.regress.history import Point
from lacosim.regress.outcome import Outcome, Status
from lacosim.regress.provenance import Provenance

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1400px}
table{border-collapse:collapse;margin:.5em 0}
td,th{padding:3px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #ddd}
th{background:#f3f3f3}
.passed{color:#17702a}.failed{color:#c21d1d;font-weight:bold}.error{color:#7a1fa2;font-weight:bold}
.cancelled{color:#946200}
code{background:#f6f6f6;padding:1px 3px;user-select:all}
.reason{font-family:monospace;font-size:90%;max-width:60em}
.plot{display:inline-block;margin:0 1em 1em 0}.plot svg{max-width:100%;height:auto}
.note{color:#555}
.hole{color:#c21d1d}
"""


@dataclass(frozen=True)
class Context:
    prov: Provenance
    engine: str              # how the jobs ran (Parsl executor)
    command: str             # the make/command line of this regression
    seconds: float
    interrupted: bool
    coverage: Coverage
    coverage_runs: int       # runs whose (fresh) coverage was merged
    history: dict[str, list[Point]]
    history_path: Path


def _link(target: Path | None, out_dir: Path, label: str) -> str:
    if target is None:
        return ""
    href = os.path.relpath(target, out_dir)
    return f"<a href='{escape(href, quote=True)}' title='{escape(str(target), quote=True)}'>{escape(label)}</a>"


def _run_row(o: Outcome, out_dir: Path) -> str:
    reason = escape(o.headline) if not o.passed else ""
    if o.waves_note and not o.passed:
        reason += f"<br><span class=note>{escape(o.waves_note)}</span>"
    waves = _link(o.waves, out_dir, "waves.fst")
    return (f"<tr><td>{escape(o.job.name)}</td><td class={o.status}>{str(o.status).upper()}</td>"
            f"<td>{o.seconds:.1f}</td><td>{'' if o.seed is None else o.seed}</td>"
            f"<td>{'' if o.cores is None else o.cores}</td><td class=reason>{reason}</td>"
            f"<td><code>{escape(o.job.reproduce)}</code></td><td>{_link(o.log, out_dir, 'log')}</td>"
            f"<td>{waves}</td></tr>")


def _runs_table(outcomes: list[Outcome], out_dir: Path) -> str:
    head = ("<tr><th>run</th><th>result</th><th>seconds</th><th>seed</th><th>cores</th><th>failure reason</th>"
            "<th>reproduce</th><th>log</th><th>waves</th></tr>")
    return "<table>" + head + "\n".join(_run_row(o, out_dir) for o in outcomes) + "</table>"


def _coverage(ctx: Context) -> str:
    rows = []
    for group in sorted(set(ctx.coverage.groups) | set(PLAN)):
        bins: Counter[str] = ctx.coverage.groups.get(group, Counter())
        planned = PLAN.get(group, [])
        reached = [b for b in planned if bins.get(b)]
        holes = [b for b in planned if not bins.get(b)]
        extra = sorted(b for b in bins if b not in planned)
        hits = ", ".join(f"{escape(b)}={bins[b]}" for b in [*reached, *extra])
        rows.append(f"<tr><td>{escape(group)}</td>"
                    f"<td>{f'{len(reached)}/{len(planned)}' if planned else 'unplanned'}</td>"
                    f"<td>{hits}</td><td class=hole>{escape(', '.join(holes))}</td></tr>")
    planned_total = sum(len(b) for b in PLAN.values())
    reached_total = sum(1 for g, bins in PLAN.items() for b in bins if ctx.coverage.groups.get(g, Counter()).get(b))
    return (f"<p>{reached_total}/{planned_total} planned bins reached, merged over the {ctx.coverage_runs} run(s) "
            "of this regression that wrote coverage (files left by earlier runs are not merged).</p>"
            "<table><tr><th>group</th><th>planned bins reached</th><th>hits</th><th>holes (never hit)</th></tr>"
            + "\n".join(rows) + "</table>")


def _plot(title: str, svg: str | None, missing: str) -> str:
    if svg is None:
        return f"<div class=plot><h3>{escape(title)}</h3><p class=note>{escape(missing)}</p></div>"
    return f"<div class=plot><h3>{escape(title)}</h3>{svg}</div>"


def _plots(outcomes: list[Outcome]) -> str:
    parts = [_plot("Runtime per test", plots.runtime_per_test(outcomes), "no run finished"),
             _plot("Simulated cycles", plots.cycles_per_test(outcomes), "no run wrote stats.json"),
             _plot("Simulation speed", plots.speed_per_test(outcomes), "no run wrote stats.json")]
    dists = plots.distributions(outcomes)
    if dists:
        parts += [_plot(name, svg, "") for name, svg in dists.items()]
    else:
        parts.append("<p class=note>Interrupt/IPI latency and timer-error distributions: the scoreboards do not "
                     f"record them in stats.json yet (it holds: {escape(_stats_keys(outcomes))}). When a run's "
                     f"stats.json has a <code>\"{plots.DISTRIBUTIONS_KEY}\": {{\"name\": [values]}}</code> object, "
                     "each distribution is plotted here.</p>")
    return "\n".join(parts)


def _stats_keys(outcomes: list[Outcome]) -> str:
    keys = sorted({k for o in outcomes for k in (o.stats or {})})
    return ", ".join(keys) if keys else "nothing: no run wrote one"


def _history(ctx: Context) -> str:
    regressions = len({p.regression for points in ctx.history.values() for p in points})
    note = (f"<p>{regressions} regression(s) recorded in <code>{escape(str(ctx.history_path))}</code> "
            "(SQLite, table <code>runs</code>).</p>")
    return note + "\n".join([
        _plot("Pass rate per test", plots.history_pass_rate(ctx.history), "no history yet"),
        _plot("Runtime per test", plots.history_runtime(ctx.history), "no history yet")])


def render(outcomes: list[Outcome], ctx: Context, out_dir: Path) -> str:
    count = Counter(o.status for o in outcomes)
    finished = [o for o in outcomes if o.finished]
    bad = [o for o in outcomes if o.status in (Status.FAILED, Status.ERROR)]
    prov = ctx.prov
    dirty = " <b class=failed>(work tree dirty: uncommitted changes were tested)</b>" if prov.dirty else " (clean)"
    verdict = "INTERRUPTED" if ctx.interrupted else ("PASSED" if finished and not bad else "FAILED")
    summary = (f"{count[Status.PASSED]}/{len(outcomes)} passed, {count[Status.FAILED]} failed, "
               f"{count[Status.ERROR]} without a result" + (f", {count[Status.CANCELLED]} cancelled"
                                                            if count[Status.CANCELLED] else ""))
    failures = (f"<h2>Failures ({len(bad)})</h2>" + _runs_table(bad, out_dir)) if bad else ""
    return f"""<!doctype html><html><head><meta charset=utf-8><title>lacosim regression {escape(verdict)}</title>
<style>{STYLE}</style></head><body>
<h1>lacosim regression: <span class={'passed' if verdict == 'PASSED' else 'failed'}>{verdict}</span></h1>
<table>
<tr><th>result</th><td>{escape(summary)}</td></tr>
<tr><th>date</th><td>{escape(prov.started.strftime('%Y-%m-%d %H:%M:%S UTC'))}</td></tr>
<tr><th>git commit</th><td><code>{escape(prov.commit)}</code> {escape(prov.subject)}{dirty}</td></tr>
<tr><th>host</th><td>{escape(prov.host)}</td></tr>
<tr><th>engine</th><td>Parsl: {escape(ctx.engine)}</td></tr>
<tr><th>command</th><td><code>{escape(ctx.command)}</code></td></tr>
<tr><th>wall time</th><td>{ctx.seconds:.0f} s</td></tr>
</table>
{failures}
<h2>Runs ({len(outcomes)})</h2>
{_runs_table(outcomes, out_dir)}
<h2>Functional coverage</h2>
{_coverage(ctx)}
<h2>Plots</h2>
{_plots(outcomes)}
<h2>History</h2>
{_history(ctx)}
</body></html>
"""


def write(outcomes: list[Outcome], ctx: Context, path: Path) -> None:
    path.write_text(render(outcomes, ctx, path.parent))
