"""The hydrated release parts: what the locked chart renders with the recorded values, object for
object (gen's environment labels aside), deterministic, and refusing what would not be."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import yamlio
from generator.catalog import load_catalog
from generator.errors import RenderError
from generator.hydrate import engine, hydrate, refuse
from generator.rendered import parts
from tests.conftest import PROJECT

CATALOG = load_catalog(PROJECT)
RELEASE_PARTS = [p for env in CATALOG.environments.environments for p in parts(CATALOG, env)
                 if p.name in CATALOG.release_parts(p.env)]


def test_every_argocd_environment_has_its_releases_as_parts():
    for env in CATALOG.environments.environments:
        assert bool(CATALOG.release_parts(env.name)) == env.argocd


@pytest.mark.parametrize("part", RELEASE_PARTS, ids=str)
def test_helm_template_of_the_locked_chart_with_the_committed_values_reproduces_the_committed_objects(part):
    """The engine on the vendored chart itself (not the sentinel), with the values file as committed."""
    import yaml

    release = hydrate.release_of(CATALOG, part)
    values = yamlio.load((PROJECT / f"rendered/{part.env}/argocd/helm-values/{release.name}.yaml").read_text())
    documents = engine.render(PROJECT / hydrate.locked_chart(PROJECT, release).folder, values, release=release.name,
                              namespace=release.namespace or part.environment.namespace,
                              kube_version=hydrate.kube_version(CATALOG, part.environment), api_versions=hydrate.api_versions(PROJECT))
    expected = sorted(((o["kind"], o["metadata"]["name"]), o) for t, text in documents.items() if t.endswith(".yaml")
                      for o in yaml.safe_load_all(text) if o)
    gen_labels = hydrate.environment_labels(part)
    committed = []
    for path in sorted((PROJECT / part.rendered_dir).glob("*.yaml")):
        obj = yamlio.load(path.read_text())
        for metadata in [obj["metadata"], *template_metadata(obj)]:
            for key in gen_labels:
                metadata["labels"].pop(key, None)
            if not metadata["labels"]:
                del metadata["labels"]
        committed.append(((obj["kind"], obj["metadata"]["name"]), obj))
    assert [k for k, _ in sorted(committed)] == [k for k, _ in expected]
    for (_, obj), (_, want) in zip(sorted(committed), expected):
        assert obj == want


def template_metadata(obj):
    spec = obj.get("spec") or {}
    template = spec.get("template") or (spec.get("jobTemplate") or {}).get("spec", {}).get("template")
    return [template["metadata"]] if isinstance(template, dict) else []


def test_hydration_is_deterministic():
    part = RELEASE_PARTS[0]
    first, second = hydrate.hydrate(PROJECT, CATALOG, part), hydrate.hydrate(PROJECT, CATALOG, part)
    assert first.files == second.files and first.files


def test_the_sentinel_marks_the_refused_functions_and_nothing_else():
    text = '{{ randAlphaNum 10 | b64enc }} {{ .Values.now }} {{ "lookup" }} {{ (lookup "v1" "Secret" "a" "b").data }} now'
    marked = refuse.sentinel_template(text)
    assert 'print "gen-refused:randAlphaNum" 10' in marked and 'dict "gen-refused:lookup" "v1"' in marked
    assert '.Values.now' in marked and '{{ "lookup" }}' in marked and marked.endswith(" now")


def test_a_used_random_value_is_refused_and_an_unused_one_is_not(tmp_path: Path):
    chart = tmp_path / "demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text(
        "{{- $unused := randAlphaNum 10 }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n"
        "  {{- if .Values.random }}\n  token: {{ randAlphaNum 10 | quote }}\n  {{- end }}\n  fixed: \"1\"\n")
    options = dict(release="demo", namespace="x", kube_version="v1.33.0", api_versions=())
    for used in (False, True):
        real = engine.render(chart, {"random": used}, **options)
        sentinel = engine.render(refuse.sentinel(str(chart), "demo"), {"random": used}, **options)
        problems = refuse.refusals("demo", real, sentinel)
        assert bool(problems) == used
    assert "randAlphaNum" in problems[0]
    with pytest.raises(RenderError, match="randAlphaNum"):
        refuse.refuse("demo", problems)


def test_the_committed_values_reach_no_refused_function():
    for part in RELEASE_PARTS:
        hydrate.render(PROJECT, CATALOG, part, hydrate.release_of(CATALOG, part))  # raises on a refusal


def test_a_hook_is_refused():
    assert refuse.hook({"metadata": {"annotations": {"helm.sh/hook": "pre-upgrade"}}}) == "pre-upgrade"
    assert refuse.hook({"metadata": {}}) is None


def test_the_applications_sync_the_release_folders_and_the_project_sources_this_repository_only():
    for env in CATALOG.environments.environments:
        if not env.argocd:
            continue
        folder = PROJECT / "rendered" / env.name / "argocd"
        project = yamlio.load((folder / "appproject-therapeutic-ai.yaml").read_text())
        assert project["spec"]["sourceRepos"] == [CATALOG.environments.delivery.repository]
        for release in CATALOG.release_parts(env.name):
            app = yamlio.load((folder / f"application-{env.name}-{release}.yaml").read_text())
            source = app["spec"]["source"]
            assert "chart" not in source and source["path"] == f"rendered/{env.name}/{release}"
            assert (PROJECT / source["path"]).is_dir()


def test_the_fixed_defects_stay_fixed():
    """mongodump's TLS Secret, the pg_dumpall pods' policy and fsGroup, verify-full (each failed on the old values)."""
    for env in ("staging", "production"):
        values = {r.name: r.values.dump() for r in CATALOG.store_releases(env)}
        mongo_tls = values["mongodb"]["tls"]
        assert mongo_tls["standalone"]["existingSecret"] in mongo_tls["replicaset"]["existingSecrets"]
        cronjob = values["postgres"]["backup"]["cronjob"]
        assert cronjob["networkPolicy"] == {"enabled": False} and cronjob["podSecurityContext"]["fsGroup"] == 10001
        assert "PGSSLMODE=verify-full" in cronjob["command"][-1] and "PGSSLMODE=require" not in cronjob["command"][-1]
        rendered = PROJECT / "rendered" / env
        assert not list((rendered / "postgres").glob("networkpolicy-*"))


def pod_specs(folder: Path):
    for path in sorted(folder.glob("*.yaml")):
        obj = yamlio.load(path.read_text())
        spec = obj.get("spec") or {}
        template = spec.get("template") or (spec.get("jobTemplate") or {}).get("spec", {}).get("template")
        if template:
            yield obj, template["spec"]


def test_no_chart_pod_reads_a_secret_into_its_environment_and_redis_reads_its_password_file():
    """redis-cluster 10.2.1 with `usePassword` put REDISCLI_AUTH in the server's env from a
    secretKeyRef: the values now take the password from the mounted file alone."""
    for part in RELEASE_PARTS:
        for obj, spec in pod_specs(PROJECT / part.rendered_dir):
            volumes = {v["name"]: v for v in spec.get("volumes") or []}
            for c in spec["containers"] + spec.get("initContainers", []):
                env = c.get("env") or []
                assert not [e for e in env if "secretKeyRef" in (e.get("valueFrom") or {})], (part, c["name"])
                for var in env:
                    if var["name"] == "REDIS_PASSWORD_FILE":  # mounted from the store's Secret
                        mount = next(m for m in c["volumeMounts"] if var["value"].startswith(m["mountPath"]))
                        assert volumes[mount["name"]]["secret"]["secretName"] == "redis-credentials"
    for env in CATALOG.environments.environments:
        for release in CATALOG.store_releases(env.name):
            if release.chart.name == "redis-cluster":
                (server,) = [c for obj, spec in pod_specs(PROJECT / "rendered" / env.name / release.name)
                             for c in spec["containers"] if c["name"] == "redis"]
                assert any(e["name"] == "REDIS_PASSWORD_FILE" for e in server["env"])


def test_the_dump_pods_mount_no_token():
    """mongodump ran as the namespace's `default` (its token mounted); it runs as the chart's own
    ServiceAccount, and `default` mounts none (pg_dumpall's CronJob has no key for an account)."""
    for part in RELEASE_PARTS:
        accounts = {obj["metadata"]["name"]: obj for obj in
                    (yamlio.load(p.read_text()) for p in (PROJECT / part.rendered_dir).glob("serviceaccount-*.yaml"))}
        shared = PROJECT / "rendered" / part.env / "shared"
        accounts["default"] = yamlio.load((shared / "serviceaccount-default.yaml").read_text())
        for obj, spec in pod_specs(PROJECT / part.rendered_dir):
            if obj["kind"] != "CronJob":
                continue
            account = spec.get("serviceAccountName") or "default"
            assert spec.get("automountServiceAccountToken") is False or \
                accounts[account]["automountServiceAccountToken"] is False, (part, obj["metadata"]["name"])
