"""JUnit XML of a regression, for CI dashboards: a testcase per run; a failed run's `failure` carries the
first failure's headline as `message` and the failure text from that headline on as its body; a run that
ended without a result (crash, kill, usage error) is an `error` with the crash reason; a run cancelled by
Ctrl-C is `skipped`. Properties: test, seed, cores, bug, the reproduce command, the log, auto-waves FST."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from lacosim.regress.outcome import Outcome, Status
from lacosim.regress.provenance import Provenance

# Characters XML 1.0 cannot carry (a log may hold any byte the simulation printed).
NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def properties(o: Outcome) -> dict[str, str]:
    props = {"test": o.job.test, "seed": "" if o.seed is None else str(o.seed),
             "cores": "" if o.cores is None else str(o.cores), "bug": o.job.bug,
             "reproduce": o.job.reproduce, "log": str(o.log)}
    if o.host:
        props["host"] = o.host
    if o.waves_repro:
        props["reproduce_with_waves"] = o.waves_repro
    if o.waves is not None:
        props["waves"] = str(o.waves)
    return props


def body(o: Outcome) -> str:
    trailer = [f"reproduce: {o.job.reproduce}", f"log: {o.log}"]
    if o.waves is not None:
        trailer.append(f"waves: {o.waves}")
    elif o.waves_note:
        trailer.append(o.waves_note)
    return clean(o.failure_text.rstrip("\n") + "\n--\n" + "\n".join(trailer) + "\n")


def testcase(suite: ET.Element, o: Outcome) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=f"lacosim.{o.job.test}", name=o.job.name,
                         time=f"{o.seconds:.2f}")
    props = ET.SubElement(case, "properties")
    for name, value in properties(o).items():
        ET.SubElement(props, "property", name=name, value=clean(value))
    if o.status is Status.FAILED:
        ET.SubElement(case, "failure", message=clean(o.headline), type=o.check or "failure").text = body(o)
    elif o.status is Status.ERROR:
        ET.SubElement(case, "error", message=clean(o.headline), type="no result").text = body(o)
    elif o.status is Status.CANCELLED:
        ET.SubElement(case, "skipped", message="cancelled (Ctrl-C) before it finished")
    return case


def write(outcomes: list[Outcome], path: Path, prov: Provenance, seconds: float) -> None:
    count = {s: sum(o.status is s for o in outcomes) for s in Status}
    totals = {"tests": str(len(outcomes)), "failures": str(count[Status.FAILED]),
              "errors": str(count[Status.ERROR]), "skipped": str(count[Status.CANCELLED]),
              "time": f"{seconds:.2f}", "timestamp": prov.started.isoformat(timespec="seconds")}
    root = ET.Element("testsuites", name="lacosim-regress", **totals)
    suite = ET.SubElement(root, "testsuite", name="lacosim-regress", hostname=prov.host, **totals)
    props = ET.SubElement(suite, "properties")
    for name, value in (("commit", prov.commit), ("dirty", str(prov.dirty).lower()), ("subject", prov.subject)):
        ET.SubElement(props, "property", name=name, value=clean(value))
    for o in outcomes:
        testcase(suite, o)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
