"""`gen diff`: field paths, normalization, and the command end to end on a rendered scratch project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.catalog import load_catalog
from generator.diff import normalize
from generator.diff.compare import ABSENT, Entry, FieldChange, compare, fields
from generator.rendered import parts
from tests.conftest import edit, gen, snapshot_tree

GREEN_API = Path("rendered/production/green/deployment-api-gateway-green.yaml")
STAGING_BILLING = Path("rendered/staging/blue/deployment-billing-blue.yaml")


# --- field paths ------------------------------------------------------------------------------------

def paths(old, new) -> list[tuple[str, str]]:
    return [(f.path, f.change) for f in fields(old, new)]


def test_same_values_have_no_fields():
    obj = {"spec": {"replicas": 2, "args": ["a", "b"], "containers": [{"name": "a", "image": "x"}]}}
    assert fields(obj, json.loads(json.dumps(obj))) == []


def test_list_items_with_unique_names_are_keyed_by_name():
    old = {"containers": [{"name": "app", "image": "app:1", "env": [{"name": "A", "value": "1"}]}]}
    new = {"containers": [
        {"name": "proxy", "image": "proxy:1"},
        {"name": "app", "image": "app:2", "env": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]},
    ]}
    assert fields(old, new) == [
        FieldChange("containers[proxy]", "added", ABSENT, {"name": "proxy", "image": "proxy:1"}),
        FieldChange("containers[app].env[B]", "added", ABSENT, {"name": "B", "value": "2"}),
        FieldChange("containers[app].image", "changed", "app:1", "app:2"),
    ]


def test_named_items_removed_and_reordered():
    old = {"ports": [{"name": "http", "port": 80}, {"name": "grpc", "port": 90}, {"name": "metrics", "port": 9}]}
    new = {"ports": [{"name": "grpc", "port": 90}, {"name": "http", "port": 80}]}
    assert fields(old, new) == [
        FieldChange("ports", "reordered", ["http", "grpc"], ["grpc", "http"]),
        FieldChange("ports[metrics]", "removed", {"name": "metrics", "port": 9}, ABSENT),
    ]


def test_other_lists_aligned_on_what_is_unchanged_and_named_by_what_their_items_are():
    assert fields({"args": ["a", "b", "c"]}, {"args": ["a", "x", "c"]}) == [FieldChange("args[x]", "changed", "b", "x")]
    # an item inserted in front is one added item, not three changed ones
    assert paths({"args": ["a", "b"]}, {"args": ["z", "a", "b"]}) == [("args[z]", "added")]
    # a removed item keeps its old label
    assert fields({"args": ["a", "b", "c"]}, {"args": ["a", "c"]}) == [FieldChange("args[b]", "removed", "b", ABSENT)]
    assert paths({"args": ["a"]}, {"args": ["a", "b", "c"]}) == [("args[b]", "added"), ("args[c]", "added")]


def test_lists_of_mappings_without_unique_names_go_by_what_tells_them_apart():
    old = {"rules": [{"name": "x", "port": 1}, {"name": "x", "port": 2}]}
    new = {"rules": [{"name": "x", "port": 1}, {"name": "x", "port": 3}]}
    assert fields(old, new) == [FieldChange("rules[x, port=3].port", "changed", 2, 3)]
    spread = {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone"}]}
    assert fields(spread, {"topologySpreadConstraints": [{"maxSkew": 2, "topologyKey": "zone"}]}) == [
        FieldChange("topologySpreadConstraints[topologyKey zone].maxSkew", "changed", 1, 2)
    ]
    # items alike in every word are numbered after their label, never by index alone
    assert paths({"ports": [53, 53]}, {"ports": [53, 53, 53]}) == [("ports[53 #3]", "added")]


def test_network_policy_rules_and_peers_by_ports_pods_and_namespace():
    dns = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
           "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
    callers = {"podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["a", "b"]}]}}
    old = {"egress": [{"ports": [{"port": 53, "protocol": "UDP"}], "to": [dns]}],
           "ingress": [{"from": [callers], "ports": [{"port": 8080, "protocol": "TCP"}]}]}
    grown = {"podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["a", "b", "c"]}]}}
    new = {"egress": [{"ports": [{"port": 53, "protocol": "UDP"}], "to": [dns]},
                      {"ports": [{"port": 5432, "protocol": "TCP"}], "to": [{"podSelector": {}}]}],
           "ingress": [{"from": [grown], "ports": [{"port": 8080, "protocol": "TCP"}]}]}
    assert paths(old, new) == [
        ("egress[5432/TCP]", "added"),
        ("ingress[8080/TCP].from[pods app In (a, b, c) of this namespace].podSelector.matchExpressions[key app]"
         ".values[c]", "added"),
    ]
    # two rules on one port: told apart by where their peers are, then by the peers themselves
    monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
                  "podSelector": {"matchLabels": {"app": "prometheus"}}}
    two = [{"from": [grown], "ports": [{"port": 8080}]}, {"from": [monitoring], "ports": [{"port": 8080}]}]
    assert paths({"ingress": two}, {"ingress": [two[0], {**two[1], "ports": [{"port": 8080}, {"port": 9090}]}]}) == [
        ("ingress[8080/TCP, 9090/TCP].ports[9090/TCP]", "added")]
    assert paths({"ingress": two[:1]}, {"ingress": two}) == [("ingress[8080/TCP from namespace monitoring]", "added")]
    assert paths({"to": [dns]}, {"to": []}) == [
        ("to[pods k8s-app=kube-dns in namespace kube-system]", "removed")]


def test_added_and_removed_keys():
    old = {"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "a", "tier": "go"}}}
    new = {"metadata": {"name": "a", "labels": {"tier": "go"}, "annotations": {"owner": "payments"}}}
    assert fields(old, new) == [
        FieldChange("metadata.annotations", "added", ABSENT, {"owner": "payments"}),
        FieldChange('metadata.labels["app.kubernetes.io/name"]', "removed", "a", ABSENT),
    ]


@pytest.mark.parametrize("old,new", [("2", 2), (1, True), (0, None), (1, 1.0), ({"a": 1}, [1]), ("x", ["x"])],
                         ids=["str-int", "int-bool", "int-null", "int-float", "map-list", "str-list"])
def test_a_change_of_type_is_a_change(old, new):
    assert fields({"value": old}, {"value": new}) == [FieldChange("value", "changed", old, new)]


def test_objects_pair_by_key_in_sorted_order():
    def side(*names: str, replicas: int = 1) -> dict:
        return {("p", "Deployment", "ns", n): Entry(f"{n}.yaml", n, {"spec": {"replicas": replicas}}) for n in names}

    result = compare(side("b", "a", "gone"), {**side("a", "b", replicas=2), **side("new")})
    assert [c.key[3] for c in result.changed] == ["a", "b"]
    assert [c.key[3] for c in result.added] == ["new"]
    assert [c.key[3] for c in result.removed] == ["gone"]
    assert not compare(side("a"), side("a"))


# --- normalization ------------------------------------------------------------------------------------

def test_recolor_replaces_the_color_as_a_whole_token_only():
    obj = {"metadata": {"name": "api-gateway-blue", "labels": {"version": "blue"}},
           "spec": {"url": "http://api-gateway-blue:8090/health", "source": "blueprint", "other": "bluebird", "n": 3}}
    assert normalize.recolor(obj, "blue") == {
        "metadata": {"name": "api-gateway-<color>", "labels": {"version": "<color>"}},
        "spec": {"url": "http://api-gateway-<color>:8090/health", "source": "blueprint", "other": "bluebird", "n": 3},
    }
    assert obj["metadata"]["name"] == "api-gateway-blue"  # the input is left alone


def test_environment_normalized_where_it_names_things_only():
    obj = {
        "metadata": {"name": "local-config", "labels": {"therapeutic-ai.io/environment": "local", "tier": "local"}},
        "spec": {"host": "postgres.therapeutic-ai.svc.cluster.local", "store": "vault-local", "env": "local",
                 "configMapRef": {"name": "local-config"}},
    }
    references = normalize.renamed(["local-config", "vault-local", "local", "postgres"], "local")
    assert references == {"local-config": "<env>-config", "vault-local": "vault-<env>"}
    assert normalize.unenv(obj, "local", references) == {
        "metadata": {"name": "<env>-config", "labels": {"therapeutic-ai.io/environment": "<env>", "tier": "local"}},
        "spec": {"host": "postgres.therapeutic-ai.svc.cluster.local", "store": "vault-<env>", "env": "local",
                 "configMapRef": {"name": "<env>-config"}},
    }
    assert normalize.env_name("staging-dc1-staging", "staging") == "<env>-dc1-<env>"
    assert normalize.env_name("prestaging-config", "staging") == "prestaging-config"


# --- gen diff: two parts ------------------------------------------------------------------------------

def test_the_two_colors_of_production_do_not_differ(rendered_project):
    result = gen(rendered_project, "diff", "production/blue", "production/green")
    assert result.exit_code == 0, result.output
    assert result.output == "gen diff production/blue production/green: no difference\n"


def test_one_changed_field_of_one_color_is_reported_alone(project):
    edit(project, GREEN_API, "  replicas: 5\n", "  replicas: 7\n")
    (project / "rendered/production/green/README.md").write_text("not an object\n")  # not YAML: skipped
    result = gen(project, "diff", "production/blue", "production/green")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"changed  Deployment/api-gateway-green ({GREEN_API})",
        "  spec.replicas: 5 -> 7",
        "gen diff production/blue production/green: 1 object changed, 0 added, 0 removed",
    ]

    as_json = gen(project, "diff", "production/blue", "production/green", "--format", "json")
    assert as_json.exit_code == 1
    document = json.loads(as_json.output)
    assert as_json.output == json.dumps(document, indent=2, sort_keys=True) + "\n"  # stable: sorted keys
    assert document["counts"] == {"changed": 1, "added": 0, "removed": 0}
    assert document["added"] == document["removed"] == []
    assert document["changed"] == [{
        "part": "<color>", "kind": "Deployment", "namespace": "therapeutic-ai", "name": "api-gateway-<color>",
        "old": {"file": "rendered/production/blue/deployment-api-gateway-blue.yaml", "name": "api-gateway-blue"},
        "new": {"file": str(GREEN_API), "name": "api-gateway-green"},
        "fields": [{"path": "spec.replicas", "change": "changed", "old": 5, "new": 7}],
    }]


# --- gen diff: the committed tree against a fresh render ------------------------------------------------

def test_a_fresh_render_does_not_differ_from_itself(rendered_project):
    result = gen(rendered_project, "diff")
    assert result.exit_code == 0, result.output
    assert result.output == "gen diff: no difference\n"


def test_hand_edits_of_the_committed_tree_are_reported_as_what_a_render_would_change(project):
    edit(project, STAGING_BILLING, "billing:3.0.0\n", "billing:3.0.1\n")
    (project / "rendered/production/blue/service-billing-blue.yaml").unlink()
    stray = Path("rendered/local/app/service-billing-2.yaml")
    shutil.copy(project / "rendered/local/app/service-billing.yaml", project / stray)
    edit(project, stray, "  name: billing\n  namespace:", "  name: billing-2\n  namespace:")
    before = snapshot_tree(project)

    result = gen(project, "diff")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"changed  Deployment/billing-blue ({STAGING_BILLING})",
        '  spec.template.spec.containers[billing].image: "registry.therapeutic-ai.internal/platform/billing:3.0.1"'
        ' -> "registry.therapeutic-ai.internal/platform/billing:3.0.0"',
        "added    Service/billing-blue (rendered/production/blue/service-billing-blue.yaml)",  # the render adds it back
        "removed  Service/billing-2 (rendered/local/app/service-billing-2.yaml)",  # ... and removes the stray one
        "gen diff: 1 object changed, 1 added, 1 removed",
    ]
    assert snapshot_tree(project) == before  # writes nothing

    one_part = gen(project, "diff", "staging/blue")
    assert one_part.exit_code == 1
    assert one_part.output.splitlines()[-1] == "gen diff staging/blue: 1 object changed, 0 added, 0 removed"


# --- gen diff: two environments --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def staging_production(rendered_project) -> tuple[str, dict]:
    text = gen(rendered_project, "diff", "staging", "production")
    document = gen(rendered_project, "diff", "staging", "production", "--format", "json")
    assert text.exit_code == document.exit_code == 1
    return text.output, json.loads(document.output)


def test_environments_differ_in_replicas(staging_production):
    text, _ = staging_production
    lines = text.splitlines()
    start = lines.index("changed  Deployment/api-gateway-blue (rendered/production/blue/deployment-api-gateway-blue.yaml)")
    assert "  spec.replicas: 2 -> 5" in lines[start + 1:start + 8]
    assert lines[-1].startswith("gen diff staging production: ")


def test_objects_named_after_their_environment_pair_up(staging_production):
    text, document = staging_production
    changed = {(c["kind"], c["name"]): c for c in document["changed"]}
    config = changed[("ConfigMap", "<env>-config")]
    assert (config["old"]["name"], config["new"]["name"]) == ("staging-config", "production-config")
    assert {"path": "data.api_gateway_replicas", "change": "changed", "old": "2", "new": "5"} in config["fields"]
    assert changed[("Application", "<env>-postgres")]["new"]["name"] == "production-postgres"
    assert changed[("ClusterSecretStore", "vault-<env>")]["old"]["name"] == "vault-staging"
    for side in ("added", "removed"):
        assert not [c for c in document[side] if "staging" in c["name"] or "production" in c["name"]], side
    # references to the renamed ConfigMap and the environment label are normalized too
    assert "configMapRef" not in text
    assert "therapeutic-ai.io/environment" not in text


# --- bad usage: exit 2, one line, nothing else ---------------------------------------------------------

@pytest.mark.parametrize(
    "args,message",
    [
        (["prod"], "unknown environment 'prod'; choose one of: local, development, staging, production"),
        (["production/red", "production/green"], "unknown part 'red' of production; choose one of: {parts}"),
        (["staging", "production/blue"], "cannot compare an environment with a part: give two environments "
                                         "(staging production) or two parts (production/blue production/green)"),
        (["production/shared/helm-values", "staging/shared"],
         "'production/shared/helm-values' is not an environment or a part: give ENV (staging) or ENV/PART (production/blue)"),
        (["local", "staging", "production"], "gen diff compares at most two environments or parts; got 3: local staging production"),
        (["staging", "production"], "rendered/staging is not rendered; run `gen render staging` first"),
        (["production/blue", "production/green"], "rendered/production/blue is not rendered; run `gen render production` first"),
    ],
    ids=["unknown-env", "unknown-part", "env-and-part", "not-a-part", "three", "env-not-rendered", "part-not-rendered"],
)
def test_bad_usage_exits_2_with_one_line(scratch, args, message):
    result = gen(scratch, "diff", *args)
    assert result.exit_code == 2
    if "{parts}" in message:  # the parts the catalog renders for the environment, its stores' releases too
        head, _, listed = result.output.rstrip("\n").partition("choose one of: ")
        assert head + "choose one of: {parts}" == f"gen: error: {message}"
        catalog = load_catalog(scratch)
        production = next(e for e in catalog.environments.environments if e.name == "production")
        listed_names = listed.split(", ")
        assert listed_names == [part.name for part in parts(catalog, production)]
        assert {"shared", "blue", "green", "argocd"} <= set(listed_names)
        return
    assert result.output == f"gen: error: {message}\n"


def test_a_committed_file_that_is_not_an_object_is_named(project):
    (project / "rendered/production/blue/configmap-broken.yaml").write_text("# header\n- a list\n")
    result = gen(project, "diff", "production/blue", "production/green")
    assert result.exit_code == 2
    assert result.output == ("gen: error: rendered/production/blue/configmap-broken.yaml: not a Kubernetes object "
                             "(kind and metadata.name are required)\n")
