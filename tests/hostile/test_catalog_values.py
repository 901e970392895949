"""What the API server (or kustomize, or Prometheus) would refuse, gen refuses first, at the
catalog line (issues 22 and 26): every catalog value that reaches a name, key, label, image,
quantity, integer field or PromQL expression goes through the one set of validators
(blueprints/names.py) with whole-string matching. Each case: exit 2, one line naming the file,
its line (computed from the edit, never assumed) and the field, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.hostile.harness import Case, check_case

CATALOG = "blueprints/catalog/"
SERVICES = CATALOG + "services.yaml"
ENVIRONMENTS = CATALOG + "environments.yaml"
MONITORING = CATALOG + "monitoring.yaml"


def spoil(relative: str, pattern: str, replacement: str, after: str | None = None):
    """Replace the first match of `pattern` (after the first `after`, if given); the case's
    mention `<file>:<line>` is filled in from where the replacement landed."""
    def setup(project: Path) -> None:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        start = text.index(after) if after else 0
        match = re.compile(pattern, re.M).search(text, start)
        assert match, f"{pattern!r} not in {relative}"
        new = text[:match.start()] + match.expand(replacement) + text[match.end():]
        path.write_text(new, encoding="utf-8")
        first = next(i for i, (a, b) in enumerate(zip(text, new)) if a != b)  # the line the value changed on
        spoil.line = text.count("\n", 0, first) + 1  # type: ignore[attr-defined]
    return setup


def case(name: str, relative: str, pattern: str, replacement: str, *mentions: str, after: str | None = None,
         args: tuple[str, ...] = ("render", "--all")) -> tuple[str, Case, str]:
    return name, Case(name, spoil(relative, pattern, replacement, after), args, 2, mentions), relative


CASES = [
    case("a settings key with a trailing newline", SERVICES, r"^  max_connections_per_service:",
         '  "max_connections_per_service\\\\n":', "settings.", "not a ConfigMap key"),
    case("an explicit settings key over 1,024 characters", SERVICES, r"^  max_connections_per_service:",
         "  ? " + "k" * 1100 + "\n  :", "settings.", "at most 253"),
    case("a color tag with a trailing newline", ENVIRONMENTS, r"tag: 3\.0\.0\}",
         'tag: 3.0.0, color_tags: {green: "3.1.0\\\\n"}}', "images.color_tags.green", after="- name: production"),
    case("replicas above int32", SERVICES, r"^(    replicas: )\d+", r"\g<1>2147483648", "services[0].replicas",
         "less than or equal to 2147483647"),
    case("a duplicated secret", SERVICES, r"^(    secrets: \[)(\w+)", r"\g<1>\g<2>, \g<2>", "services[0].secrets",
         "twice"),
    case("public_host '..'", ENVIRONMENTS, r"(public_host: )\S+", r'\g<1>".."', "tls.public_host", "DNS-1123 subdomain"),
    case("public_host with a trailing newline", ENVIRONMENTS, r"(public_host: )(\S+)", r'\g<1>"\g<2>\\n"', "tls.public_host"),
    case("an invalid nodeSelector key", ENVIRONMENTS, r"gpu_nodes: \{count",
         'gpu_nodes: {node_selector: {"bad key!": "true"}, count', "gpu_nodes.node_selector.bad key!", "key 'bad key!'"),
    case("a nodeSelector value over 63 characters", ENVIRONMENTS, r"gpu_nodes: \{count",
         "gpu_nodes: {node_selector: {nvidia.com/gpu.present: " + "t" * 64 + "}, count", "gpu_nodes.node_selector"),
    case("PromQL pasted into the metric contract", MONITORING, r'(server_errors: )"5\.\."',
         r"""\g<1>'5.."} or vector(1) # '""", "contract.tiers.go.server_errors", "not a status pattern"),
    case("a service name with a trailing newline", SERVICES, r"^  - name: ([a-z-]+)$", r'  - name: "\g<1>\\n"',
         "services[0].name", "DNS-1035 label"),
    case("a 70-character namespace", ENVIRONMENTS, r"^(  - name: local\n)", r"\g<1>    namespace: " + "n" * 70 + "\n",
         "environments[0].namespace", "at most 63"),
    case("a namespace with a trailing newline", ENVIRONMENTS, r"^(  - name: local\n)", r'\g<1>    namespace: "ns\\n"\n',
         "environments[0].namespace"),
    case("a registry with '..'", ENVIRONMENTS, r"(registry: )localhost:5001", r"\g<1>localhost..x", "images.registry",
         "not an image registry"),
    case("a health check image that is no reference", ENVIRONMENTS, r"(health_check_image: )\S+", r"\g<1>'curl image'",
         "delivery.health_check_image", "not an image reference"),
    case("an issuer name with a space", ENVIRONMENTS, r"(public_issuer: \{name: )[a-z-]+", r"\g<1>'lets encrypt'",
         "tls.public_issuer.name"),
    case("a Prometheus pod label key with a space", MONITORING, r"(pod_labels: \{)app\.kubernetes\.io/name",
         r"\g<1>'app name'", "prometheus.pod_labels.app name"),
    case("a label matcher holding a newline", MONITORING,
         r'(metric: )(db_client_operation_duration_seconds)\{db_system_name="postgresql"\}',
         r'\g<1>"\g<2>{db_system_name=\\"post\\ngresql\\"}"', "alerts[", "metric", "not a metric name"),
]


@pytest.mark.parametrize("name,case,relative", CASES, ids=[c[0] for c in CASES])
def test_a_value_kubernetes_would_refuse_is_refused_at_its_catalog_line(name, case, relative, tmp_path: Path) -> None:
    result = check_case(case, tmp_path)
    assert f"{relative}:{spoil.line}:" in result.stderr, result.stderr  # type: ignore[attr-defined]


def test_the_committed_catalog_passes_the_validators() -> None:
    from generator.catalog import load_catalog
    from tests.conftest import PROJECT

    load_catalog(PROJECT)


# --- rendered objects: what the API server or Prometheus would refuse is a `gen validate` finding

def committed(project: Path, kind: str, holding: str) -> Path:
    """The first committed file of `kind` whose text holds `holding` (found, not assumed)."""
    prefix = kind.lower() + "-"
    for path in sorted((project / "rendered").rglob(prefix + "*.yaml")):
        if holding in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError(f"no {kind} holding {holding!r}")


def validate_finds(project: Path, path: Path, check: str, *mentions: str) -> None:
    from tests.hostile.harness import run_gen

    env = path.relative_to(project / "rendered").parts[0]
    result = run_gen(project, "validate", env)
    assert result.exit_code == 1, result.output + result.stderr
    lines = [line for line in result.output.splitlines() if check in line]
    assert lines, result.output
    assert any(path.relative_to(project).as_posix() in line and all(m in line for m in mentions) for line in lines), lines


def test_a_duplicated_volume_and_mount_path_is_a_finding(tmp_path: Path) -> None:
    from generator import yamlio
    from tests.hostile.harness import copy_project

    project = copy_project(tmp_path)
    path = committed(project, "Deployment", "mountPath: /var/run/secrets/therapeutic-ai/")
    obj = yamlio.load(path.read_text(encoding="utf-8"))
    pod = obj["spec"]["template"]["spec"]
    secret = next(v for v in pod["volumes"] if "secret" in v)
    pod["volumes"].append(secret)
    container = pod["containers"][0]
    mount = next(m for m in container["volumeMounts"] if m["name"] == secret["name"])
    container["volumeMounts"].append(mount)
    path.write_text(yamlio.dump(obj), encoding="utf-8")
    validate_finds(project, path, "GEN-POD-UNIQUE", f"volume {secret['name']!r} is declared twice")
    validate_finds(project, path, "GEN-POD-UNIQUE", f"mountPath {mount['mountPath']!r} is mounted twice")


def test_an_expression_prometheus_cannot_parse_is_a_finding(tmp_path: Path) -> None:
    """What a pasted `5.."} or vector(1) # ` made of an errors rule: promtool refuses the file."""
    from tests.hostile.harness import copy_project

    from generator import yamlio

    project = copy_project(tmp_path)
    path = committed(project, "PrometheusRule", '=~"5.."')
    obj = yamlio.load(path.read_text(encoding="utf-8"))
    rule = next(r for g in obj["spec"]["groups"] for r in g["rules"] if '=~"5.."' in r["expr"])
    rule["expr"] = rule["expr"].replace('=~"5.."', '=~"5.."} or vector(1) # "', 1)
    path.write_text(yamlio.dump(obj), encoding="utf-8")
    validate_finds(project, path, "GEN-PROMQL", "not PromQL")
