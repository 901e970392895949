"""Hostile input that the one strict YAML reader and the strict catalog types refuse: duplicate
keys, loose types, YAML that two readers read two ways, bytes that are not UTF-8, characters
kustomize cannot carry, broken files and folders. Each case: exit 2, one stderr line naming the
file (and line and field where there is one), no traceback, the tree unchanged byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.hostile.harness import Case, check_case, copy_project, edit, run_gen

CATALOG = "blueprints/catalog/"
SERVICES = CATALOG + "services.yaml"
ENVIRONMENTS = CATALOG + "environments.yaml"
DATABASES = CATALOG + "databases.yaml"
MONITORING = CATALOG + "monitoring.yaml"
RELEASES = CATALOG + "releases.yaml"
PRODUCTION = "  production: {active: blue, deployed: [blue, green]}\n"
SETTING = 'max_connections_per_service: "100"'


def edits(relative: str, old: str, new: str):
    return lambda project: edit(project, relative, old, new)


def write_bytes(relative: str, data: bytes):
    return lambda project: (project / relative).write_bytes(data)


def reencode(relative: str, old: str, new: str, encoding: str):
    """Replace `old` by `new` and save the whole file in another encoding."""
    def setup(project: Path) -> None:
        text = (project / relative).read_text(encoding="utf-8")
        assert text.count(old) == 1
        (project / relative).write_bytes(text.replace(old, new).encode(encoding))
    return setup


def folder_instead(relative: str):
    def setup(project: Path) -> None:
        (project / relative).unlink()
        (project / relative).mkdir()
    return setup


def in_services(name: str, old: str, new: str, line: int, *mentions: str) -> Case:
    """A case that edits services.yaml and names its line, with what else the error must say."""
    return Case(name, edits(SERVICES, old, new), mentions=(f"{SERVICES}:{line}", *mentions))


CASES = [
    # duplicate keys, in each catalog file: refused with the line of the second one
    in_services("duplicate key in services.yaml", "    port: 8090\n", "    port: 8090\n    port: 8091\n", 17, "duplicate key 'port'"),
    in_services("duplicate service field in a flow mapping", "tier: go\n    port: 8090", "tier: go\n    tier: python-ai\n    port: 8090", 16, "duplicate key 'tier'"),
    in_services("duplicate top-level key in services.yaml", "version: 1\n\nservices:", "version: 1\nversion: 1\n\nservices:", 11, "duplicate key 'version'"),
    Case("duplicate key in environments.yaml", edits(ENVIRONMENTS, 'kubernetes_version: "1.33"', 'kubernetes_version: "1.33"\nkubernetes_version: "1.30"'),
         mentions=(ENVIRONMENTS + ":7", "duplicate key 'kubernetes_version'")),
    Case("duplicate key in databases.yaml", edits(DATABASES, "version: 1\n\n", "version: 1\nversion: 1\n\n"),
         mentions=(DATABASES + ":7", "duplicate key 'version'")),
    Case("duplicate key in monitoring.yaml", edits(MONITORING, "  namespace: monitoring ", "  namespace: monitoring\n  namespace: default "),
         mentions=(MONITORING + ":16", "duplicate key 'namespace'")),
    Case("duplicated production line in releases.yaml", edits(RELEASES, PRODUCTION, PRODUCTION + PRODUCTION.replace("active: blue", "active: green")),
         mentions=(RELEASES + ":9", "duplicate key 'production'")),
    Case("duplicate active in the release record", edits(RELEASES, PRODUCTION, PRODUCTION.replace("active: blue", "active: blue, active: green")),
         mentions=(RELEASES + ":8", "duplicate key 'active'")),
    Case("duplicate key seen by promote", edits(RELEASES, PRODUCTION, PRODUCTION + PRODUCTION),
         args=("promote", "production", "green"), mentions=(RELEASES + ":9", "duplicate key 'production'")),
    Case("duplicate key seen by validate", edits(SERVICES, "    port: 8090\n", "    port: 8090\n    port: 8090\n"),
         args=("validate", "--all"), mentions=(SERVICES + ":17", "duplicate key 'port'")),
    # loose types: nothing is converted
    in_services("replicas: yes", "    replicas: 5\n", "    replicas: yes\n", 17, "'yes' is a boolean in YAML 1.1"),
    in_services("replicas: 5.0", "    replicas: 5\n", "    replicas: 5.0\n", 17, "services[0].replicas", "valid integer, not 5.0"),
    in_services("replicas: '5'", "    replicas: 5\n", "    replicas: '5'\n", 17, "services[0].replicas", 'valid integer, not "5"'),
    in_services("replicas: true", "    replicas: 5\n", "    replicas: true\n", 17, "services[0].replicas", "not true"),
    in_services("port as a string", "port: 8090", 'port: "8090"', 16, "services[0].port", 'valid integer, not "8090"'),
    in_services("port as a float", "port: 8090", "port: 8090.0", 16, "services[0].port"),
    in_services("public as a string", "public: true", 'public: "yes"', 19, "services[0].public", 'valid boolean, not "yes"'),
    in_services("public as a number", "public: true", "public: 1", 19, "services[0].public", "not 1"),
    in_services("public: on", "public: true", "public: on", 19, "'on' is a boolean"),
    in_services("role as a number", "role: primary entry point", "role: 42", 18, "services[0].role", "valid string, not 42"),
    in_services("tier as a number", "tier: go\n    port: 8090", "tier: 1\n    port: 8090", 15, "services[0].tier"),
    in_services("a setting as a number", SETTING, "max_connections_per_service: 100", 177, "settings.max_connections_per_service", "valid string, not 100"),
    Case("kubernetes_version as a float", edits(ENVIRONMENTS, 'kubernetes_version: "1.33"', "kubernetes_version: 1.33"),
         mentions=(ENVIRONMENTS + ":6", "kubernetes_version", "not 1.33")),
    Case("blue_green as a string", edits(ENVIRONMENTS, "data_class: synthetic\n    blue_green: false", 'data_class: synthetic\n    blue_green: "false"'),
         mentions=(ENVIRONMENTS + ":17", "environments[0].blue_green")),
    Case("cluster workers as a string", edits(ENVIRONMENTS, "      workers: 1\n", '      workers: "1"\n'),
         mentions=(ENVIRONMENTS + ":23", "environments[0].cluster.workers")),
    Case("a deployed list as a string", edits(RELEASES, PRODUCTION, PRODUCTION.replace("[blue, green]", "blue")),
         mentions=(RELEASES + ":8", "production.deployed")),
    Case("active: yes in the record", edits(RELEASES, PRODUCTION, PRODUCTION.replace("active: blue", "active: yes")),
         mentions=(RELEASES + ":8", "'yes' is a boolean")),
    # numbers two YAML readers read differently
    Case("octal replicas", edits(SERVICES, "    replicas: 5\n", "    replicas: 012\n"), mentions=(SERVICES + ":17", "'012'")),
    Case("hex port", edits(SERVICES, "port: 8090", "port: 0x1F9A"), mentions=(SERVICES + ":16", "'0x1F9A'")),
    Case("underscored port", edits(SERVICES, "port: 8090", "port: 8_090"), mentions=(SERVICES + ":16", "'8_090'")),
    Case("sexagesimal port", edits(SERVICES, "port: 8090", "port: 2:14:50"), mentions=(SERVICES + ":16", "'2:14:50'")),
    Case("YAML 1.2 octal as a string", edits(SERVICES, "role: primary entry point", "role: 0o17"), mentions=(SERVICES + ":18", "'0o17'")),
    in_services("huge replicas", "    replicas: 5\n", "    replicas: 99999999999999999999999\n", 17, "larger than any Kubernetes integer"),
    Case("infinite replicas", edits(SERVICES, "    replicas: 5\n", "    replicas: .inf\n"), mentions=(SERVICES + ":17", "services[0].replicas")),
    Case("a date where a string goes", edits(ENVIRONMENTS, "revision: main", "revision: 2026-11-28"),
         mentions=(ENVIRONMENTS + ":9", "is a date in YAML 1.1")),
    # YAML features that hide or duplicate values
    Case("anchor and alias", edits(SERVICES, "    databases: [postgres, redis]\n    secrets: [database, jwt]\n  - name: auth-rbac",
                                   "    databases: &dbs [postgres, redis]\n    secrets: [database, jwt]\n  - name: auth-rbac"),
         mentions=(SERVICES + ":21", "anchors and aliases")),
    Case("merge key", edits(ENVIRONMENTS, "    replicas: {max: 1}\n    images: {registry: localhost", "    <<: {replicas: {max: 1}}\n    images: {registry: localhost"),
         mentions=(ENVIRONMENTS + ":18", "merge keys (<<)")),
    in_services("python tag", "role: primary entry point", "role: !!python/name:os.system", 18, "tag:yaml.org,2002:python/name:os.system is not supported"),
    Case("binary tag", edits(SERVICES, "role: primary entry point", "role: !!binary aGVsbG8="), mentions=(SERVICES + ":18", "binary")),
    Case("a number as a key", edits(SERVICES, SETTING, SETTING + "\n  8080: x"), mentions=(SERVICES + ":178", "key '8080' reads as int")),
    Case("a tab as indentation", edits(SERVICES, "    port: 8090\n", "\tport: 8090\n"), mentions=(SERVICES + ":16", "not valid YAML")),
    Case("two documents in one catalog file", edits(SERVICES, "version: 1\n\nservices:", "version: 1\n---\nservices:"),
         mentions=(SERVICES, "not valid YAML")),
    Case("nested 300 deep", edits(SERVICES, SETTING, "deep: " + "[" * 300 + "]" * 300), mentions=(SERVICES + ":177", "nested more than")),
    # encodings and characters
    Case("latin-1 services.yaml", reencode(SERVICES, "role: primary entry point", "role: café", "latin-1"),
         mentions=(SERVICES + ":18", "not UTF-8 (byte 0xe9)")),
    Case("latin-1 release record", reencode(RELEASES, "# Blue-green", "# Blue-grün", "latin-1"),
         mentions=(RELEASES + ":2", "not UTF-8")),
    Case("UTF-16 environments.yaml", reencode(ENVIRONMENTS, "version: 1\n", "version: 1\n", "utf-16"),
         mentions=(ENVIRONMENTS + ":1", "not UTF-8 (byte 0xff)")),
    in_services("raw DEL in a setting", SETTING, 'max_connections_per_service: "1\x7f00"', 177, "U+007F is not allowed"),
    in_services("escaped DEL in a setting", SETTING, 'max_connections_per_service: "1\\x7f00"', 177, "settings.max_connections_per_service", "U+007F (DELETE) cannot pass through kustomize"),
    in_services("NEXT LINE in a setting", SETTING, 'max_connections_per_service: "1\\u008500"', 177, "settings.max_connections_per_service", "U+0085 (NEXT LINE)"),
    in_services("a C1 control in a role", "role: primary entry point", 'role: "primary \\x9b entry"', 18, "services[0].role", "U+009B"),
    in_services("'=' as a setting (PyYAML reads kustomize's plain = as a tag)", SETTING, 'max_connections_per_service: "="', 177, "settings.max_connections_per_service", "'=' (kustomize writes it unquoted"),
    in_services("'<<' as a setting", SETTING, "max_connections_per_service: '<<'", 177, "settings.max_connections_per_service", "merge key"),
    in_services("U+FFFE in a setting", SETTING, 'max_connections_per_service: "\\uFFFE"', 177, "U+FFFE (not a character)"),
    Case("a lone surrogate in a setting", edits(SERVICES, SETTING, 'max_connections_per_service: "\\uD800"'),
         mentions=(SERVICES,)),
    # names
    Case("a 300-character environment name", edits(ENVIRONMENTS, "- name: local", "- name: " + "l" * 300),
         mentions=(ENVIRONMENTS + ":13", "environments[0].name", "at most 63 characters")),
    Case("an environment name ending in '-'", edits(ENVIRONMENTS, "- name: local", "- name: local-"),
         mentions=(ENVIRONMENTS + ":13", "environments[0].name")),
    # empty and missing files, folders where files go
    Case("empty services.yaml", write_bytes(SERVICES, b""), mentions=(SERVICES, "(top level)")),
    Case("empty release record", write_bytes(RELEASES, b""), mentions=(RELEASES, "(top level)")),
    Case("only a comment in environments.yaml", write_bytes(ENVIRONMENTS, b"# nothing\n"), mentions=(ENVIRONMENTS,)),
    Case("a list instead of a mapping", write_bytes(DATABASES, b"- a\n- b\n"), mentions=(DATABASES, "(top level)")),
    Case("services.yaml is a folder", folder_instead(SERVICES), mentions=(SERVICES, "Is a directory")),
    Case("releases.yaml is a folder", folder_instead(RELEASES), mentions=(RELEASES, "Is a directory")),
    Case("monitoring.yaml missing", lambda p: (p / MONITORING).unlink(), mentions=(MONITORING, "cannot read")),
    # usage
    Case("a lock timeout that is not a number", lambda p: None, args=("list",), env={"GEN_LOCK_TIMEOUT": "soon"},
         mentions=("GEN_LOCK_TIMEOUT", "'soon'")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_one_line_exit_2(case: Case, tmp_path: Path) -> None:
    check_case(case, tmp_path)


def test_the_cases_are_many_and_distinct() -> None:
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)


def spoiled(tmp_path: Path, relative: str, spoil) -> tuple[Path, str, str]:
    """A copy of the project whose committed file `relative` is edited by `spoil` (text -> text,
    which must change it): the project, the old text and the new."""
    project = copy_project(tmp_path)
    path = project / relative
    old = path.read_text(encoding="utf-8")
    new = spoil(old)
    assert new != old
    path.write_text(new, encoding="utf-8")
    return project, old, new


LIVE = "rendered/production/shared/service-api-gateway.yaml"
DEPLOYMENT = "rendered/production/blue/deployment-api-gateway-blue.yaml"


@pytest.mark.parametrize("relative,spoil,finding", [
    (LIVE, lambda text: text.replace("    version: blue\n", "    version: blue\n    version: green\n", 1),
     "not valid YAML: line {line}: duplicate key 'version'"),
    (DEPLOYMENT, lambda text: text.replace("  replicas: 5\n", "  replicas: yes\n", 1), "'yes' is a boolean in YAML 1.1"),
    (DEPLOYMENT, lambda text: text.replace("  replicas: 5\n", "  replicas: 0x5\n", 1), "'0x5': YAML readers disagree"),
], ids=["duplicate selector key", "replicas: yes", "hex replicas"])
def test_a_committed_rendered_file_the_reader_refuses_is_a_finding(tmp_path, relative, spoil, finding):
    project, old, new = spoiled(tmp_path, relative, spoil)
    line = next(n for n, (a, b) in enumerate(zip(old.splitlines() + [""], new.splitlines()), 1) if a != b)
    result = run_gen(project, "validate", "production")
    assert result.exit_code == 1, result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr
    hits = [l for l in result.output.splitlines() if relative in l and "SCHEMA-YAML" in l]
    assert len(hits) == 1 and finding.format(line=line) in hits[0], result.output


def _replace_block(text: str, key: str, value: str) -> str:
    """The top-level `key:` and its indented block replaced by `key: value`."""
    lines, out, skipping = text.splitlines(), [], False
    for line in lines:
        if line.startswith(f"{key}:"):
            out.append(f"{key}: {value}")
            skipping = True
        elif skipping and line.startswith(" "):
            continue
        else:
            skipping = False
            out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("spoil,schema", [
    (lambda t: t.replace("\nkind: Deployment\n", "\nkind: [Deployment]\n", 1), "apiVersion and kind must be strings"),
    (lambda t: t.replace("\napiVersion: apps/v1\n", "\napiVersion: {apps: v1}\n", 1), "apiVersion and kind must be strings"),
    (lambda t: _replace_block(t, "metadata", "[1]"), "metadata: expected object, got array"),
    (lambda t: t.replace("  name: api-gateway-blue\n", "  name: [api-gateway-blue]\n", 1), "metadata.name: expected string"),
    (lambda t: t.replace("  namespace: therapeutic-ai\n", "  namespace: {a: b}\n", 1), "metadata.namespace: expected string"),
    (lambda t: _replace_block(t, "spec", "[1]"), "spec: expected object, got array"),
    (lambda t: t.replace("      containers:\n", "      containers: {a: b}\n      x-containers:\n", 1), "containers: expected array"),
], ids=["kind a list", "apiVersion a mapping", "metadata a list", "name a list", "namespace a mapping", "spec a list",
        "containers a mapping"])
def test_a_committed_object_of_the_wrong_shape_is_a_finding_not_a_crash(tmp_path, spoil, schema):
    """A hand edit that puts a list where a mapping belongs (or the like) reaches rules written for
    well-formed objects: validate reports the SCHEMA finding naming the file and field, and a
    rule that could not read the object says so, instead of a traceback."""
    project, _, _ = spoiled(tmp_path, DEPLOYMENT, spoil)
    result = run_gen(project, "validate", "production")
    assert "Traceback" not in result.output + result.stderr, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output + result.stderr
    assert any(DEPLOYMENT in line and "SCHEMA" in line and schema in line for line in result.output.splitlines()), \
        result.output


def test_a_rule_that_fails_on_well_formed_objects_is_gens_error_not_a_finding(monkeypatch):
    """Only objects the schema refused excuse a rule's TypeError: on a clean tree it is raised."""
    from generator.catalog import load_catalog
    from generator.validation import policies
    from tests.conftest import PROJECT

    def broken(ctx):
        raise TypeError("a bug in a rule")
        yield  # a generator, as rules are

    monkeypatch.setitem(policies.RULES, "GEN-BROKEN", ("a rule with a bug", broken))
    catalog = load_catalog(PROJECT)
    context = policies.Context(catalog, catalog.env_by_name["local"], [])
    with pytest.raises(TypeError, match="a bug in a rule"):
        policies.run_rules(context)
    [finding] = [f for f in policies.run_rules(context, malformed=True) if f.check == "GEN-BROKEN"]
    assert finding.message.startswith("not checked: ") and "a bug in a rule" in finding.message


def test_a_committed_rendered_file_that_is_not_utf8_is_a_finding(tmp_path):
    project = copy_project(tmp_path)
    (project / DEPLOYMENT).write_bytes((project / DEPLOYMENT).read_bytes().replace(b"# Generated", b"# G\xe9nerated", 1))
    result = run_gen(project, "validate", "production")
    assert result.exit_code == 1, result.output + result.stderr
    assert any(DEPLOYMENT in l and "not UTF-8 (byte 0xe9)" in l for l in result.output.splitlines()), result.output


def test_a_byte_order_mark_at_the_start_of_a_catalog_file_is_read(tmp_path):
    project = copy_project(tmp_path)
    path = project / SERVICES
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run_gen(project, "list")
    assert result.exit_code == 0, result.output + result.stderr
    assert "api-gateway" in result.output


@pytest.mark.parametrize("value", ["a\u2028b", "\ufeff", "yes", "-", "==", "<<<"])
def test_settings_that_broke_the_render_now_reach_the_configmap_unchanged(tmp_path, value):
    from generator import yamlio, yamlquote
    project = copy_project(tmp_path)
    edit(project, SERVICES, SETTING, f"max_connections_per_service: {yamlquote.quoted(value)}")
    result = run_gen(project, "render", "local", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    text = (project / "rendered/local/shared/configmap-local-config.yaml").read_text(encoding="utf-8")
    assert yamlio.load(text)["data"]["max_connections_per_service"] == value
    assert yaml.safe_load(text)["data"]["max_connections_per_service"] == value  # YAML 1.1 reads it back too
    assert run_gen(project, "validate", "local").exit_code == 0
