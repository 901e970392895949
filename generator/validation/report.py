"""A validation report as people and CI systems read it: text, JSON, JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter

from generator.validation.capacity import Capacity, amount
from generator.validation.run import Report


def versions(report: Report) -> str:
    """`Kubernetes 1.33`, or with the environments that run another version: `Kubernetes 1.33 (staging 1.34)`."""
    found = {env.kubernetes_version or report.kubernetes_version for env in report.envs}
    if len(found) <= 1:
        return f"Kubernetes {next(iter(found), report.kubernetes_version)}"
    others = [f"{env.env} {env.kubernetes_version}" for env in report.envs
              if env.kubernetes_version and env.kubernetes_version != report.kubernetes_version]
    return f"Kubernetes {report.kubernetes_version} ({', '.join(others)})"


def summary(report: Report) -> str:
    envs = len(report.envs)
    return (
        f"gen validate: {envs} environment{'s' * (envs != 1)}, {report.objects} objects, "
        f"{versions(report)}: {report.errors} errors, {report.warnings} warnings"
        + (f", {report.waived} waived (blueprints/catalog/waivers.yaml)" if report.waived else "")
    )


def text(report: Report, verbose: bool = False) -> list[str]:
    """One line per error; warnings one line each with `verbose`, else one line per check."""
    lines = []
    for env in report.envs:
        lines += [f"{f.file}: {f.object}: {f.check}: {f.message}" for f in env.errors]
        lines += [f"{f.file}: {f.object}: {f.check} (waived): {f.message}" for f in env.waived]
        if verbose:
            lines += [f"{f.file}: {f.object}: {f.check} (warning): {f.message}" for f in env.warnings]
        else:
            for check, count in sorted(Counter(f.check for f in env.warnings).items()):
                lines.append(f"rendered/{env.env}: {check} (warning): {count} objects; --verbose lists them")
    lines.append(summary(report))
    return lines


def as_json(report: Report) -> str:
    data = {
        "kubernetes_version": report.kubernetes_version,
        "ok": report.ok,
        "errors": report.errors,
        "warnings": report.warnings,
        "waived": report.waived,
        "environments": [
            {
                "name": env.env,
                "kubernetes_version": env.kubernetes_version,
                "objects": env.objects,
                "errors": len(env.errors),
                "warnings": len(env.warnings),
                "waived": len(env.waived),
                "capacity": capacity_data(env.capacity),
                "findings": [
                    {"check": f.check, "severity": f.severity, "file": f.file, "object": f.object, "message": f.message}
                    for f in env.findings
                ],
            }
            for env in report.envs
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True)


def capacity_data(result: Capacity) -> dict:
    return {
        line.resource: {
            "requested": amount(line.resource, line.requested),
            "declared": amount(line.resource, line.declared),
            "headroom": amount(line.resource, line.headroom),
            "fits": line.fits,
        }
        for line in result.lines
    }


def junit(report: Report) -> str:
    """One test suite per environment, one test case per object (and one for capacity);
    errors are failures, warnings go to the case's system-out."""
    suites = ET.Element("testsuites", name="gen validate")
    for env in report.envs:
        by_object: dict[tuple[str, str], list] = {}
        for finding in env.findings:
            by_object.setdefault((finding.file, finding.object), []).append(finding)
        suite = ET.SubElement(suites, "testsuite", name=f"gen validate {env.env}")
        for (file, obj) in sorted(by_object):
            findings = by_object[(file, obj)]
            case = ET.SubElement(suite, "testcase", classname=f"{env.env}", name=f"{obj} ({file})")
            for f in findings:
                if f.severity == "error":
                    ET.SubElement(case, "failure", type=f.check, message=f"{f.check}: {f.message}").text = f.message
            warnings = [f"{f.check}: {f.message}" for f in findings if f.severity != "error"]
            if warnings:
                ET.SubElement(case, "system-out").text = "\n".join(warnings)
        passed = env.objects - len([k for k in by_object if not k[1].startswith("Environment/")])
        if passed > 0:
            ET.SubElement(suite, "testcase", classname=env.env, name=f"{passed} other objects pass every check")
        case = ET.SubElement(suite, "testcase", classname=env.env, name="capacity")
        if not env.capacity.fits:
            ET.SubElement(case, "failure", type="GEN-CAPACITY", message="requests exceed the declared cluster")
        suite.set("tests", str(len(suite)))
        suite.set("failures", str(sum(1 for c in suite if c.find("failure") is not None)))
    suites.set("tests", str(sum(int(s.get("tests", 0)) for s in suites)))
    suites.set("failures", str(sum(int(s.get("failures", 0)) for s in suites)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def capacity_table(result: Capacity) -> list[list[str]]:
    rows = [["RESOURCE", "REQUESTED", "DECLARED", "HEADROOM", "FITS"]]
    for line in result.lines:
        share = f" ({line.headroom / line.declared:.0%})" if line.declared else ""
        rows.append([line.resource, amount(line.resource, line.requested), amount(line.resource, line.declared),
                     amount(line.resource, line.headroom) + share, "yes" if line.fits else "NO"])
    return rows
