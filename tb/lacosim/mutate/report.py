"""What a mutant's job means and the reports of a mutation run: build/mutate/report.html (the kill table),
build/mutate/junit.xml and the console summary with the kill ratio.

Statuses: `killed` (a positive test failed: which one, and its first FAIL line), `survived` (every test
passed: a failure of the run unless the list marks the mutation `equivalent`), `equivalent` (survived and is
marked so, with the reason), `invalid` (the mutant does not build: a failure, never a kill), `error` (the job
itself broke: no verdict) and `cancelled` (Ctrl-C)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from lacosim.mutate.catalogue import Mutation
from lacosim.mutate.plan import short
from lacosim.regress.engine import RunRecord
from lacosim.regress.html_report import STYLE
from lacosim.regress.junit import clean
from lacosim.regress.outcome import crash_reason, read_log
from lacosim.regress.provenance import Provenance

STATUSES = ("killed", "survived", "equivalent", "invalid", "error", "cancelled")
FAILING = ("survived", "invalid", "error")


@dataclass
class Verdict:
    mutation: Mutation
    status: str
    where: str = ""                # file:line of the snippet
    killer: str = ""               # pytest node of the first failing test
    first_failure: str = ""        # its first FAIL line (or the invalid build's / the job's error)
    seconds: float = 0.0
    build_seconds: float = 0.0
    test_seconds: float = 0.0
    tests_run: int = 0
    log: Path | None = None
    note: str = ""

    @property
    def failed(self) -> bool:
        """A survivor nobody justified, a mutant that does not build, a broken job, a wrong equivalence."""
        return self.status in FAILING or (self.status == "killed" and bool(self.mutation.equivalent))

    @property
    def reproduce(self) -> str:
        if self.status == "killed" and self.killer:
            return f"LACOSIM_MUTANT={self.mutation.id} .venv/bin/python -m pytest -q {self.killer}"
        return f"make mutate MUTANTS={self.mutation.id}"


def classify(m: Mutation, result: dict[str, Any] | None, record: RunRecord | None, log: Path,
             seconds: float = 0.0) -> Verdict:
    """The verdict of one mutant from the result.json its job wrote (None: the job wrote none)."""
    v = Verdict(m, "error", m.where, seconds=seconds, log=log)
    if record is not None and record.cancelled:
        v.status, v.first_failure = "cancelled", "cancelled (Ctrl-C)"
        return v
    if result is None:
        v.first_failure = "the job wrote no verdict: " + crash_reason(read_log(log).splitlines(),
                                                                    record.returncode if record else -1)
        return v
    v.status = str(result.get("status", "error"))
    v.killer = str(result.get("killer", ""))
    v.first_failure = str(result.get("first_failure", ""))
    v.build_seconds = float(result.get("build_seconds", 0.0))
    v.test_seconds = float(result.get("test_seconds", 0.0))
    v.tests_run = int(result.get("tests_run", 0))
    if result.get("log"):
        v.log = Path(result["log"])
    if v.status not in STATUSES:
        v.status, v.first_failure = "error", f"unknown status {v.status!r} in the job's result"
    if v.status == "survived" and m.equivalent:
        v.status = "equivalent"
    elif v.status == "survived":
        v.first_failure = f"no test failed ({v.tests_run} ran)"
    elif v.status == "killed" and m.equivalent:
        v.note = "marked equivalent but killed: the reason in the list is wrong; drop the mark"
    return v


def read_result(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Summary:
    counts: Counter[str]
    killed: int
    scored: int        # killed + survived (equivalent and invalid mutants do not count)

    @property
    def ratio(self) -> float:
        return self.killed / self.scored if self.scored else 0.0

    @property
    def text(self) -> str:
        parts = ", ".join(f"{self.counts[s]} {s}" for s in STATUSES if self.counts[s])
        return (f"kill ratio {self.killed}/{self.scored} = {100 * self.ratio:.1f} % "
                f"(killed / (killed + survived)); {parts}")


def summarize(verdicts: list[Verdict]) -> Summary:
    counts = Counter(v.status for v in verdicts)
    return Summary(counts, counts["killed"], counts["killed"] + counts["survived"])


def console(verdicts: list[Verdict]) -> str:
    """The run's last lines: every failing mutant with the fix, then the kill ratio."""
    lines = []
    for v in verdicts:
        if v.failed:
            why = v.note or v.first_failure
            lines.append(f"  {v.status.upper()} {v.mutation.id} ({v.where}): {v.mutation.description}\n"
                         f"    {why}\n    reproduce: {v.reproduce}")
    if any(v.status == "survived" for v in verdicts):
        lines.append("  a survivor needs a test that kills it, or `equivalent = \"why\"` in "
                     "tb/lacosim/mutate/mutations.toml when no test can")
    lines.append(f"mutate: {summarize(verdicts).text}")
    return "\n".join(lines)


def line(v: Verdict) -> str:
    """One progress line per finished mutant."""
    text = f"{v.status.upper():10} {v.mutation.id} ({v.seconds:.0f} s: build {v.build_seconds:.0f} s, " \
           f"{v.tests_run} test(s) {v.test_seconds:.0f} s)"
    if v.status == "killed":
        text += f" by {short(v.killer)}: {v.first_failure}"
    elif v.status != "equivalent":
        text += f": {v.first_failure}"
    return text


# --------------------------------------------------------------------------------------------------------
def write_junit(verdicts: list[Verdict], path: Path, prov: Provenance, seconds: float) -> None:
    """A testcase per mutant: passed when killed (or equivalent), failure when it survived, error when it
    did not build or its job broke, skipped when cancelled."""
    count = Counter(v.status for v in verdicts)
    failures = sum(v.failed and v.status not in ("invalid", "error") for v in verdicts)
    totals = {"tests": str(len(verdicts)), "failures": str(failures),
              "errors": str(count["invalid"] + count["error"]), "skipped": str(count["cancelled"]),
              "time": f"{seconds:.2f}", "timestamp": prov.started.isoformat(timespec="seconds")}
    root = ET.Element("testsuites", name="lacosim-mutate", **totals)
    suite = ET.SubElement(root, "testsuite", name="lacosim-mutate", hostname=prov.host, **totals)
    props = ET.SubElement(suite, "properties")
    for name, value in (("commit", prov.commit), ("dirty", str(prov.dirty).lower()),
                        ("kill_ratio", f"{summarize(verdicts).ratio:.4f}")):
        ET.SubElement(props, "property", name=name, value=clean(value))
    for v in verdicts:
        case = ET.SubElement(suite, "testcase", classname=f"lacosim.mutate.{Path(v.mutation.file).stem}",
                             name=v.mutation.id, time=f"{v.seconds:.2f}")
        cprops = ET.SubElement(case, "properties")
        for name, value in (("status", v.status), ("where", v.where), ("description", v.mutation.description),
                            ("killing_test", v.killer), ("first_failure", v.first_failure),
                            ("equivalent", v.mutation.equivalent), ("build_seconds", f"{v.build_seconds:.1f}"),
                            ("reproduce", v.reproduce), ("log", str(v.log or ""))):
            if value:
                ET.SubElement(cprops, "property", name=name, value=clean(value))
        body = clean(f"{v.mutation.description}\n{v.where}\n{v.first_failure}\n{v.note}\nreproduce: {v.reproduce}\n")
        if v.status == "survived" or (v.status == "killed" and v.failed):
            ET.SubElement(case, "failure", message=clean(v.note or f"survived: {v.first_failure}"),
                          type=v.status).text = body
        elif v.status in ("invalid", "error"):
            ET.SubElement(case, "error", message=clean(v.first_failure), type=v.status).text = body
        elif v.status == "cancelled":
            ET.SubElement(case, "skipped", message="cancelled (Ctrl-C) before it finished")
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _link(target: Path | None, out_dir: Path, label: str) -> str:
    if target is None:
        return ""
    href = os.path.relpath(target, out_dir)
    return f"<a href='{escape(href, quote=True)}'>{escape(label)}</a>"


CLASS = {"killed": "passed", "equivalent": "cancelled", "survived": "failed", "invalid": "error",
         "error": "error", "cancelled": "cancelled"}


def render(verdicts: list[Verdict], prov: Provenance, command: str, seconds: float, out_dir: Path,
           tests: list[str], notes: list[str]) -> str:
    summary = summarize(verdicts)
    verdict = "FAILED" if any(v.failed for v in verdicts) or notes else "PASSED"
    rows = []
    for v in verdicts:
        why = v.first_failure if v.status != "equivalent" else f"equivalent: {v.mutation.equivalent}"
        if v.note:
            why += f" ({v.note})"
        rows.append(
            f"<tr><td><code>{escape(v.mutation.id)}</code></td><td>{escape(v.where)}</td>"
            f"<td>{escape(v.mutation.description)}</td><td class={CLASS[v.status]}>{v.status.upper()}</td>"
            f"<td>{escape(short(v.killer))}</td><td class=reason>{escape(why)}</td>"
            f"<td>{v.seconds:.0f}</td><td>{v.build_seconds:.0f}</td><td>{v.tests_run}</td>"
            f"<td><code>{escape(v.reproduce)}</code></td><td>{_link(v.log, out_dir, 'log')}</td></tr>")
    timed = [v for v in verdicts if v.status in ("killed", "survived", "equivalent")]
    per_mutant = (f"{sum(v.seconds for v in timed) / len(timed):.0f} s per mutant (build "
                  f"{sum(v.build_seconds for v in timed) / len(timed):.0f} s)") if timed else "no mutant ran"
    killers = Counter(short(v.killer) for v in verdicts if v.status == "killed")
    kill_rows = "".join(f"<tr><td>{escape(t)}</td><td>{n}</td></tr>" for t, n in killers.most_common())
    note_html = "".join(f"<p class=failed>{escape(n)}</p>" for n in notes)
    dirty = " (work tree dirty)" if prov.dirty else ""
    return f"""<!doctype html><html><head><meta charset=utf-8><title>lacosim mutation {verdict}</title>
<style>{STYLE}</style></head><body>
<h1>lacosim mutation testing: <span class={'passed' if verdict == 'PASSED' else 'failed'}>{verdict}</span></h1>
<table>
<tr><th>result</th><td>{escape(summary.text)}</td></tr>
<tr><th>git commit</th><td><code>{escape(prov.commit)}</code> {escape(prov.subject)}{dirty}</td></tr>
<tr><th>date</th><td>{escape(prov.started.strftime('%Y-%m-%d %H:%M:%S UTC'))} on {escape(prov.host)}</td></tr>
<tr><th>command</th><td><code>{escape(command)}</code></td></tr>
<tr><th>wall time</th><td>{seconds:.0f} s; {per_mutant}</td></tr>
<tr><th>tests</th><td>{len(tests)} positive simulation tests, in the order the last mutant ran them:
{escape(', '.join(short(t) for t in tests))}</td></tr>
</table>
{note_html}
<h2>Kill table ({len(verdicts)} mutants)</h2>
<table><tr><th>id</th><th>file:line</th><th>mutation</th><th>status</th><th>killing test</th>
<th>first failure</th><th>seconds</th><th>build s</th><th>tests run</th><th>reproduce</th><th>log</th></tr>
{''.join(rows)}</table>
<h2>Kills per test</h2>
<table><tr><th>test</th><th>mutants killed first</th></tr>{kill_rows}</table>
</body></html>
"""


def write_html(verdicts: list[Verdict], prov: Provenance, command: str, seconds: float, path: Path,
               tests: list[str], notes: list[str]) -> None:
    path.write_text(render(verdicts, prov, command, seconds, path.parent, tests, notes))
