"""`gen restore-plan`: a restore drill's manifests for each store with dumps, valid, isolated,
reading the very volume the chart's CronJob writes, and never touching rendered/ or overlays/."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import yamlio
from generator.validation.transit import plaintext_listeners
from tests.netpolicy import Pod, allows
from tests.conftest import PROJECT, gen, refuses_bad_input

CASES = {
    # store: (backup name, dump volume of the chart's CronJob, the server's port, a word of the restore)
    "postgres": ("pg_dumpall-2026-11-28-02-30", "postgres-primary-pgdumpall", 5432, "psql -q -d postgres -f"),
    "mongodb": ("mongodump-2026-11-28-02-30", "mongodb-mongodump", 27017, "--oplogReplay --gzip"),
}


def drill(scratch: Path, tmp_path: Path, store: str) -> tuple[Path, dict[str, dict]]:
    out = tmp_path / "drill"
    result = gen(scratch, "restore-plan", "production", store, "--backup", CASES[store][0], "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith(f"gen restore-plan production {store}: ")
    docs = {path.name: yamlio.load(path.read_text()) for path in sorted(out.iterdir())}
    return out, docs


def by_kind(docs: dict[str, dict], kind: str, name: str, namespace: str) -> dict:
    [obj] = [d for d in docs.values() if d["kind"] == kind and d["metadata"]["name"] == name
             and d["metadata"].get("namespace") == namespace]
    return obj


@pytest.mark.parametrize("store", sorted(CASES))
def test_a_drill_restores_the_named_dump_into_a_scratch_namespace_and_checks_it(scratch, tmp_path, store):
    backup, claim, port, restores = CASES[store]
    out, docs = drill(scratch, tmp_path, store)
    ns = f"therapeutic-ai-restore-{store}"
    # the namespace first: `kubectl apply -f DIR` takes the files in name order
    first = docs[sorted(docs)[0]]
    assert (first["kind"], first["metadata"]["name"]) == ("Namespace", ns)
    assert first["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    # the scratch server, sized like the store, on the encrypted class, its password from Vault
    server = by_kind(docs, "StatefulSet", store, ns)
    assert server["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "encrypted-ssd"
    secret = by_kind(docs, "ExternalSecret", f"{store}-credentials", ns)
    assert secret["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "vault-production"}
    # the Job reads the named dump, read-only, from the volume the chart's CronJob writes
    job = by_kind(docs, "Job", f"restore-{store}", "therapeutic-ai")
    pod = job["spec"]["template"]["spec"]
    assert pod["volumes"][0] == {"name": "dumps", "persistentVolumeClaim": {"claimName": claim, "readOnly": True}}
    [restore], [check] = pod["initContainers"], pod["containers"]
    assert {"name": "BACKUP", "value": f"/backups/{backup}"} in restore["env"]
    assert {"name": "HOST", "value": f"{store}.{ns}.svc"} in restore["env"]
    assert restores in restore["command"][2]
    # the check fails the Job when the data is not there
    assert ("exit 1" if store == "postgres" else "quit(1)") in check["command"][2]
    assert job["spec"]["backoffLimit"] == 0
    for container in (restore, check):
        security = container["securityContext"]
        assert security["runAsNonRoot"] and not security["allowPrivilegeEscalation"] and security["readOnlyRootFilesystem"]
        assert security["capabilities"] == {"drop": ["ALL"]}
    assert not [v for v in pod["volumes"] if "secret" in v and "items" not in v["secret"]]  # the password file alone
    # nothing of the project's output was written
    assert not (scratch / "rendered").exists() and not (scratch / "overlays").exists()


@pytest.mark.parametrize("store", sorted(CASES))
def test_the_dump_volume_is_the_one_the_chart_cronjob_claims(store):
    """The drill reads the claim the hydrated chart's dump CronJob writes to (rendered/production/<store>/)."""
    claims = []
    for path in sorted((PROJECT / "rendered/production" / store).glob("cronjob-*.yaml")):
        pod = yamlio.load(path.read_text())["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        claims += [v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v]
    assert claims == [CASES[store][1]]


@pytest.mark.parametrize("store", sorted(CASES))
def test_the_restored_data_crosses_the_network_only_over_verified_tls(scratch, tmp_path, store):
    """Production has TLS: the scratch server accepts TLS only, with a certificate of the internal CA
    for its name in the scratch namespace, and the Job's clients verify it with that CA."""
    _, docs = drill(scratch, tmp_path, store)
    ns = f"therapeutic-ai-restore-{store}"
    certificate = by_kind(docs, "Certificate", f"{store}-tls", ns)["spec"]
    assert certificate["dnsNames"][:2] == [store, f"{store}.{ns}.svc"]
    assert certificate["issuerRef"]["kind"] == "ClusterIssuer"
    server = by_kind(docs, "StatefulSet", store, ns)["spec"]["template"]["spec"]
    assert {"name": "server-tls", "secret": {"secretName": f"{store}-tls", "defaultMode": 0o400}} in server["volumes"]
    (container,) = server["containers"]
    if store == "mongodb":
        assert ("--tlsMode", "requireTLS") in zip(container["args"], container["args"][1:])
    else:
        assert "ssl=on" in container["args"]
        hba = by_kind(docs, "ConfigMap", "postgres-hba", ns)["data"]["pg_hba.conf"]
        assert [line.split()[0] for line in hba.splitlines()] == ["local", "hostssl"]
    job = by_kind(docs, "Job", f"restore-{store}", "therapeutic-ai")["spec"]["template"]["spec"]
    assert by_kind(docs, "Certificate", f"restore-{store}-tls", "therapeutic-ai")
    for container in (*job["initContainers"], *job["containers"]):
        assert {"name": "CA_FILE", "value": "/var/run/secrets/therapeutic-ai/tls/ca.crt"} in container["env"]
        script = container["command"][2]
        assert ('PGSSLMODE=verify-full PGSSLROOTCERT="$CA_FILE"' in script if store == "postgres"
                else '--tls --tlsCAFile="$CA_FILE"' in script)


@pytest.mark.parametrize("store", sorted(CASES))
def test_only_the_restore_job_reaches_the_scratch_server(scratch, tmp_path, store):
    _, docs = drill(scratch, tmp_path, store)
    port = CASES[store][2]
    committed = [yamlio.load(p.read_text()) for p in sorted((PROJECT / "rendered/production/shared").glob("networkpolicy-*.yaml"))]
    policies = committed + [d for d in docs.values() if d["kind"] == "NetworkPolicy"]
    ns = f"therapeutic-ai-restore-{store}"
    server = Pod(ns, {"app.kubernetes.io/name": store, "app.kubernetes.io/component": "database"})
    job = Pod("therapeutic-ai", {"app.kubernetes.io/name": f"restore-{store}", "app.kubernetes.io/component": "restore"})
    service = Pod("therapeutic-ai", {"app.kubernetes.io/name": "api-gateway"})
    live = Pod("therapeutic-ai", {"app.kubernetes.io/instance": store})
    assert allows(policies, job, server, port)
    assert not allows(policies, service, server, port)
    assert not allows(policies, job, live, port)  # the drill never writes to the live store
    assert not allows(policies, server, job, port)


def test_printed_without_out(scratch):
    result = gen(scratch, "restore-plan", "staging", "postgres", "--backup", "pg_dumpall-2026-11-28-02-30")
    assert result.exit_code == 0, result.output
    documents = yamlio.load_all(result.stdout)
    assert [d["kind"] for d in documents][0] == "Namespace" and documents[-1]["kind"] == "Job"
    # staging runs one instance: the chart's dump volume is then `postgres-pgdumpall`
    assert documents[-1]["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "postgres-pgdumpall"
    assert not (scratch / "rendered").exists()


def test_the_drill_is_deterministic(scratch, tmp_path):
    args = ("restore-plan", "production", "mongodb", "--backup", CASES["mongodb"][0])
    assert gen(scratch, *args).stdout == gen(scratch, *args).stdout


@pytest.mark.parametrize("args, expected", [
    (("redis", "--backup", "dump-2026-11-28-02-30"), "redis has no dumps to restore"),
    (("scylladb", "--backup", "sm_20261128023000UTC"), "scylladb has no dumps to restore"),
    (("nats", "--backup", "x"), "unknown store 'nats'; choose one of: postgres, mongodb"),
    (("postgres", "--backup", "../../etc/passwd"), "--backup: '../../etc/passwd' is not a postgres dump's name"),
    (("postgres", "--backup", "mongodump-2026-11-28-02-30"), "--backup: 'mongodump-2026-11-28-02-30' is not a postgres"),
])
def test_refusals_name_the_problem(scratch, args, expected):
    refuses_bad_input(scratch, expected, "restore-plan", "production", *args)


def test_refused_where_no_backups_are_taken(scratch):
    refuses_bad_input(scratch, "development takes no backups", "restore-plan", "development", "postgres",
                      "--backup", "pg_dumpall-2026-11-28-02-30")


def test_refused_into_rendered_or_a_folder_that_is_not_empty(scratch, tmp_path):
    args = ("restore-plan", "production", "postgres", "--backup", "pg_dumpall-2026-11-28-02-30", "--out")
    inside = scratch / "rendered" / "drill"
    refuses_bad_input(scratch, f"--out {inside}: inside rendered/", *args, str(inside))
    (scratch / "busy").mkdir()
    (scratch / "busy" / "keep.txt").write_text("mine\n")
    refuses_bad_input(scratch, f"--out {scratch / 'busy'}: exists and is not an empty folder", *args, str(scratch / "busy"))


@pytest.mark.parametrize("store,plant", [
    ("mongodb", lambda c, maps: c.update(args=[a for a in c["args"] if a not in ("--tlsMode", "requireTLS")])),
    ("postgres", lambda c, maps: c.update(args=[a if a != "ssl=on" else "ssl=off" for a in c["args"]])),
    ("postgres", lambda c, maps: c.update(args=c["args"][:-2])),  # no hba_file: the image's default
    ("postgres", lambda c, maps: maps["postgres-hba"].update({"pg_hba.conf": "host all all all scram-sha-256\n"})),
], ids=["mongodb-no-tlsMode", "postgres-ssl-off", "postgres-default-hba", "postgres-host-line"])
def test_the_gate_refuses_a_scratch_server_that_accepts_plaintext(scratch, tmp_path, store, plant):
    """The drill's own output passes GEN-TLS-VERIFY's listener check; each way back to plaintext fails it."""
    _, docs = drill(scratch, tmp_path, store)
    ns = f"therapeutic-ai-restore-{store}"
    pod = by_kind(docs, "StatefulSet", store, ns)["spec"]["template"]["spec"]
    maps = {d["metadata"]["name"]: dict(d.get("data") or {}) for d in docs.values()
            if d["kind"] == "ConfigMap" and d["metadata"]["namespace"] == ns}
    assert list(plaintext_listeners(pod, maps)) == []
    plant(pod["containers"][0], maps)
    assert [container for container, _ in plaintext_listeners(pod, maps)] == [store]
