"""GEN-POD-REFS: every Secret and ConfigMap a pod names is named, and made in its namespace (a
rendered one, a chart's own among them, an ExternalSecret's target, a Certificate's secretName).
Each planted break is its finding on a fresh render; every environment's fresh render has none."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

from generator.catalog import load_catalog
from generator.rendered import Doc
from generator.validation.run import validate_docs
from generator.validation.schemas import SchemaStore
from tests.conftest import PROJECT

CATALOG = load_catalog(PROJECT)
STORE = SchemaStore(CATALOG.environments.kubernetes_version, PROJECT / "schemas")
CHECK = "GEN-POD-REFS"
Docs = list[Doc]


def env_docs(fresh, env: str) -> Docs:
    return [d for d in fresh.docs if d.part.env == env]


def findings(env: str, docs: Docs) -> list[str]:
    report = validate_docs(CATALOG, CATALOG.environment(env), docs, STORE)
    return [f"{f.object}: {f.message}" for f in report.errors if f.check == CHECK]


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    return (spec.get("template") or spec["jobTemplate"]["spec"]["template"])["spec"]


def changed(docs: Docs, match: Callable[[Doc], bool], change: Callable[[dict[str, Any]], None]) -> Docs:
    out = []
    for doc in docs:
        if match(doc):
            obj = copy.deepcopy(doc.obj)
            change(obj)
            doc = Doc(doc.file, obj, doc.part)
        out.append(doc)
    return out


def secret_volume(obj: dict[str, Any]) -> dict[str, Any]:
    return next(v for v in pod_spec(obj)["volumes"] if "secret" in v)


@pytest.mark.parametrize("env", [e.name for e in CATALOG.environments.environments])
def test_a_fresh_render_names_only_what_it_makes(fresh, env):
    assert findings(env, env_docs(fresh, env)) == []


def test_an_empty_secret_name_is_a_finding(fresh):
    """mongodb 16.5.45's dump CronJob before the fix: `tls.standalone.existingSecret` unset."""
    docs = changed(env_docs(fresh, "production"), lambda d: d.kind == "CronJob" and d.part.name == "mongodb",
                   lambda o: secret_volume(o)["secret"].update({"secretName": ""}))
    (message,) = findings("production", docs)
    assert message.startswith("CronJob/mongodb-mongodump: volume ") and "names no Secret" in message


def test_a_secret_nothing_makes_is_a_finding(fresh):
    docs = changed(env_docs(fresh, "production"), lambda d: d.kind == "StatefulSet" and d.part.name == "postgres",
                   lambda o: secret_volume(o)["secret"].update({"secretName": "postgres-tls-old"}))
    messages = findings("production", docs)
    assert messages and all("Secret 'postgres-tls-old' is made nowhere" in m for m in messages)


def test_a_removed_certificate_or_external_secret_leaves_its_readers_a_finding(fresh):
    docs = env_docs(fresh, "production")
    certificate = next(d for d in docs if d.kind == "Certificate")
    secret = certificate.obj["spec"]["secretName"]
    assert any(secret in m for m in findings("production", [d for d in docs if d is not certificate]))
    external = next(d for d in docs if d.kind == "ExternalSecret" and d.name == "postgres-credentials")
    messages = findings("production", [d for d in docs if d is not external])
    assert any("Secret 'postgres-credentials' is made nowhere" in m for m in messages)


def test_a_config_map_named_by_env_from_or_a_projected_volume_must_be_made(fresh):
    docs = env_docs(fresh, "production")
    config = CATALOG.environment("production").config_map_name
    without = [d for d in docs if not (d.kind == "ConfigMap" and d.name == config)]
    assert any(f"ConfigMap {config!r} is made nowhere" in m and "envFrom" in m for m in findings("production", without))

    def project(obj: dict[str, Any]) -> None:
        pod_spec(obj)["volumes"].append({"name": "bundle", "projected": {"sources": [
            {"configMap": {"name": "nowhere"}}, {"configMap": {"name": "kube-root-ca.crt"}}]}})

    first = next(d for d in docs if d.kind == "Deployment")
    (message,) = findings("production", changed(docs, lambda d: d is first, project))
    assert "volume bundle (projected): ConfigMap 'nowhere'" in message  # the published CA bundle is made


def test_a_secret_in_another_namespace_is_not_made_here(fresh):
    docs = env_docs(fresh, "production")
    external = next(d for d in docs if d.kind == "ExternalSecret" and d.name == "postgres-credentials")
    moved = changed(docs, lambda d: d is external, lambda o: o["metadata"].update({"namespace": "therapeutic-ai-scylla-dc1"}))
    assert any("Secret 'postgres-credentials' is made nowhere in therapeutic-ai" in m for m in findings("production", moved))
