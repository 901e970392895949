"""`gen diff --format markdown` (the pull request's comment) and `gen diff --old-tree DIR`."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.diff import markdown as diffmarkdown, network
from generator.diff.compare import Entry, compare
from generator.diff.markdown import BUDGET, MARKER, code, markdown
from generator.diff.review import Review
from generator.catalog import load_catalog
from generator.validation.waivers import load_waivers
from tests.conftest import PROJECT, edit, gen, project_catalog, snapshot_tree

ORDER = ["local", "development", "staging", "production"]
STAGING_BILLING = Path("rendered/staging/blue/deployment-billing-blue.yaml")
LIVE = len(project_catalog().services.services)  # production's live Services: one per service


@pytest.fixture(scope="module")
def base(rendered_project) -> Path:
    """The pull request's base (read only)."""
    return rendered_project


@pytest.fixture(scope="module")
def promoted(base: Path, tmp_path_factory) -> tuple[Path, str]:
    """The head: production promoted to green, and one hand edit in staging; its markdown diff."""
    head = tmp_path_factory.mktemp("head") / "p"
    shutil.copytree(base, head)
    assert gen(head, "promote", "production", "green").exit_code == 0
    edit(head, STAGING_BILLING, "  replicas: 2\n", "  replicas: 3\n")
    result = gen(head, "diff", "--old-tree", str(base), "--format", "markdown")
    assert result.exit_code == 1, result.output
    return head, result.output


def test_a_promotion_is_called_out_at_the_top(promoted, base):
    _head, text = promoted
    lines = text.splitlines()
    assert lines[0] == MARKER
    # the live Services, the rollback alerts, staging's billing
    assert lines[1] == f"### `gen diff --old-tree {base}`: {LIVE + 2} objects changed, 0 added, 0 removed"
    assert lines[3] == f"> **Promotion of production**: its {LIVE} live Services switch from `blue` to `green`."
    assert "- changed `Service/api-gateway` (`rendered/production/shared/service-api-gateway.yaml`)" in lines
    assert "  - `spec.selector.version`: `\"blue\"` → `\"green\"`" in lines
    # and the rollback alerts now watch the color that serves
    assert any(line.startswith("- changed `PrometheusRule/alerts-rollback`") for line in lines)


def test_production_parts_come_first_in_the_table_and_the_sections(promoted):
    _head, text = promoted
    assert [line for line in text.splitlines() if line.startswith("| `")] == [
        f"| `production/shared` | {LIVE + 1} | 0 | 0 |",  # the live Services and the rollback alerts
        "| `staging/blue` | 1 | 0 | 0 |",
    ]
    sections = re.findall(r"^#### (.*)$", text, flags=re.MULTILINE)
    assert sections == [f"`production/shared`: {LIVE + 1} changed", "`staging/blue`: 1 changed"]
    # a long part is folded, a short one is not
    production, staging = text.split("#### ")[1:]
    assert f"<details><summary>{LIVE + 1} objects</summary>" in production
    assert "<details>" not in staging and "  - `spec.replicas`: `2` → `3`" in staging


def test_old_tree_with_one_environment_compares_only_it(promoted, base):
    head, _text = promoted
    result = gen(head, "diff", "--old-tree", str(base), "staging")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"changed  Deployment/billing-blue ({STAGING_BILLING})",
        "  spec.replicas: 2 -> 3",
        f"gen diff --old-tree {base} staging: 1 object changed, 0 added, 0 removed",
    ]
    same = gen(base, "diff", "--old-tree", str(base), "--format", "markdown")
    assert same.exit_code == 0
    assert same.output == f"{MARKER}\n### `gen diff --old-tree {base}`: no difference\n\n"


def test_a_folder_the_old_tree_lacks_reads_as_added(base, tmp_path):
    (tmp_path / "rendered").mkdir()  # the base rendered nothing yet
    result = gen(base, "diff", "--old-tree", str(tmp_path), "local/app", "--format", "json")
    assert result.exit_code == 1
    assert '"changed": 0' in result.output and '"removed": 0' in result.output
    assert '"added": 0' not in result.output


def test_a_broken_file_of_the_old_tree_is_named_with_its_tree(base, tmp_path):
    broken = tmp_path / "rendered/staging/blue/configmap-broken.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("- a list\n")
    result = gen(base, "diff", "--old-tree", str(tmp_path))
    assert (result.exit_code, result.output) == (2, f"gen: error: {tmp_path}/rendered/staging/blue/configmap-broken.yaml: "
                                                    "not a Kubernetes object (kind and metadata.name are required)\n")


@pytest.mark.parametrize("args,message", [
    (["--old-tree", "{base}", "staging", "production"],
     "gen diff --old-tree compares one tree with this project's: give at most one ENV or ENV/PART; got 2: staging production"),
    (["--old-tree", "{base}", "prod"], "unknown environment 'prod'; choose one of: local, development, staging, production"),
])
def test_old_tree_bad_usage_exits_2_with_one_line(base, args, message):
    before = snapshot_tree(base / "rendered")
    result = gen(base, "diff", *(a.format(base=base) for a in args))
    assert (result.exit_code, result.output) == (2, f"gen: error: {message}\n")
    assert snapshot_tree(base / "rendered") == before


def many_changes(parts: int, objects: int) -> tuple:
    """`parts` parts of production with `objects` ConfigMaps each, every one with 3 changed keys."""
    old, new = {}, {}
    for p in range(parts):
        for o in range(objects):
            key = (f"production/part{p}", "ConfigMap", "therapeutic-ai", f"config-{o:03}")
            file = f"rendered/production/part{p}/configmap-config-{o:03}.yaml"
            old[key] = Entry(file, key[3], {"data": {"a": "1", "b": "2", "c": "3"}})
            new[key] = Entry(file, key[3], {"data": {"a": "10", "b": "20", "c": "30"}})
    return compare(old, new)


@pytest.mark.parametrize("budget", [2_000, 5_000, 20_000])
def test_the_document_stays_within_its_budget_and_counts_what_it_leaves_out(budget):
    result = many_changes(parts=3, objects=100)
    text = markdown("gen diff", result, ORDER, budget)
    assert len(text.encode()) <= budget
    shown = len(re.findall(r"^- changed ", text, flags=re.MULTILINE))
    assert 0 < shown < 300
    assert text.endswith(f"**{300 - shown} more changes not shown** (this comment's size is bounded); "
                         f"run the same `gen diff` locally for all of them.\n")
    # the table still counts every part, shown or not
    assert "| `production/part2` | 100 | 0 | 0 |" in text
    # a part cut short says how many of its objects it shows
    assert re.search(r"<details><summary>\d+ objects of 100</summary>", text)


def test_a_table_of_many_parts_takes_at_most_a_quarter_of_the_budget():
    text = markdown("gen diff", many_changes(parts=200, objects=1), ORDER, budget=4_000)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert len("\n".join(table).encode()) <= 1_000 + 100
    assert table[-1] == f"| {200 - (len(table) - 2)} more parts | | | |"
    assert len(text.encode()) <= 4_000


def test_everything_shown_when_it_fits():
    text = markdown("gen diff", many_changes(parts=2, objects=10), ORDER)
    assert "not shown" not in text
    assert len(re.findall(r"^- changed ", text, flags=re.MULTILINE)) == 20


def test_the_committed_environments_diff_fits_a_comment(tmp_path):
    """staging against production: hundreds of objects differ; the comment stays under GitHub's limit."""
    result = gen(PROJECT, "diff", "staging", "production", "--format", "markdown")
    assert result.exit_code == 1
    assert len(result.output.encode()) <= BUDGET < 65_536
    assert "more changes not shown" in result.output
    assert "Promotion" not in result.output  # two environments: a difference, not a promotion


@pytest.mark.parametrize("text,span", [
    ("spec.replicas", "`spec.replicas`"),
    ("a `b` c", "``a `b` c``"),
    ("`x`", "`` `x` ``"),
])
def test_code_spans_hold_any_backticks(text, span):
    assert code(text) == span


def test_the_workflow_finds_its_comment_by_the_same_marker():
    workflow = (PROJECT / ".github/workflows/pull-request.yml").read_text()
    assert f'MARKER: "{diffmarkdown.MARKER}"' in workflow


def test_a_change_to_the_serving_color_is_flagged_in_the_header(promoted):
    head, text = promoted
    catalog = project_catalog()
    production = load_catalog(head).release("production").active.value  # green, after the promotion
    staging = catalog.release("staging").active.value  # its serving color got the hand edit
    flagged = re.findall(r"^> \*\*`([^`]+)` serves\*\*: these changes reach live traffic on sync\.$", text,
                         flags=re.MULTILINE)
    assert flagged == [f"production/{production}", f"staging/{staging}"]
    # after the promotion line, which stays first
    assert text.splitlines()[3].startswith("> **Promotion of production**")


def network_policy(name: str, peers: list[str]) -> dict:
    return {"kind": "NetworkPolicy", "metadata": {"name": name},
            "spec": {"ingress": [{"from": [{"podSelector": {"matchExpressions": [
                {"key": "app.kubernetes.io/name", "operator": "In", "values": peers}]}}]}]}}


def test_security_relevant_changes_are_never_the_ones_cut():
    """Many ConfigMap changes read first, a NetworkPolicy change and an added one in the last
    part: a small budget cuts ConfigMaps, never the policies, and still counts exactly."""
    result = many_changes(parts=3, objects=100)
    key = ("local/shared", "NetworkPolicy", "therapeutic-ai", "auth-rbac")
    added = ("local/shared", "NetworkPolicy", "therapeutic-ai", "notifications")
    file = "rendered/local/shared/networkpolicy-auth-rbac.yaml"
    old = {key: Entry(file, "auth-rbac", network_policy("auth-rbac", ["api-gateway"]))}
    new = {key: Entry(file, "auth-rbac", network_policy("auth-rbac", ["api-gateway", "notifications"])),
           added: Entry(file.replace("auth-rbac", "notifications"), "notifications",
                        network_policy("notifications", ["health-check"]))}
    policies = compare(old, new)
    both = type(result)(result.changed + policies.changed, policies.added, ())
    text = markdown("gen diff", both, ORDER, budget=3_000)
    assert len(text.encode()) <= 3_000
    assert "- changed `NetworkPolicy/auth-rbac`" in text
    assert "values[notifications]`: `(absent)` → `\"notifications\"`" in text
    assert "- added `NetworkPolicy/notifications`" in text
    shown = len(re.findall(r"^- (changed|added) ", text, flags=re.MULTILINE))
    assert 2 < shown < 302
    assert f"**{302 - shown} more changes not shown**" in text
    # with room, the added policy's content follows it, folded; without, only its line
    assert "<details><summary>content</summary>" not in text
    assert "**1 added or removed object listed without its content**" in text
    roomy = markdown("gen diff", compare(old, new), ORDER)
    content = roomy.split("- added `NetworkPolicy/notifications`", 1)[1]
    assert "<details><summary>content</summary>" in content and "    - health-check" in content


def test_long_strings_show_a_small_diff_of_what_changed_unescaped():
    before = 'sum(rate(x{job=~"a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z"}[5m])) > 0.1'
    after = before.replace("m|n|", "m|new|n|")
    key = ("production/shared", "PrometheusRule", "therapeutic-ai", "alerts")
    file = "rendered/production/shared/prometheusrule-alerts.yaml"
    rule = lambda expr: {"spec": {"groups": [{"name": "g", "rules": [{"alert": "Down", "expr": expr}]}]}}  # noqa: E731
    text = markdown("gen diff", compare({key: Entry(file, "alerts", rule(before))}, {key: Entry(file, "alerts", rule(after))}),
                    ORDER)
    assert "  - `spec.groups[g].rules[alert Down].expr`: changed" in text
    (diff,) = re.findall(r"```diff\n(.*?)\n *```", text, flags=re.DOTALL)
    lines = [line.strip() for line in diff.splitlines()]
    assert [line for line in lines if line[0] in "+-"] == ["+new|"]
    assert len(lines) < 10 and '\\"' not in text


def test_the_header_without_the_base_s_catalog_and_with_a_waiver_removed(promoted, base, tmp_path):
    head, _text = promoted
    bare = tmp_path / "base"
    shutil.copytree(base / "rendered", bare / "rendered")  # an old workflow's checkout: rendered/ only
    text = gen(head, "diff", "--old-tree", str(bare), "--format", "markdown").output
    assert "**Catalog files changed**: not compared (the base's `blueprints/catalog/` is not in the old tree)." in text
    copy = tmp_path / "head"
    shutil.copytree(head, copy)
    waivers = copy / "blueprints/catalog/waivers.yaml"
    kept = waivers.read_text().split("\nwaivers:\n")[0]
    waivers.write_text(kept + "\nwaivers: []\n")
    text = gen(copy, "diff", "--old-tree", str(base), "--format", "markdown").output
    assert waivers_of(base)
    for waiver in waivers_of(base):
        assert f"- `{waiver.rule}` on `{waiver.environment}` `{waiver.object}` **removed in this change**" in text
    assert "**Catalog files changed**: `blueprints/catalog/releases.yaml` (changed), " \
           "`blueprints/catalog/waivers.yaml` (changed)." in text


def waivers_of(root: Path) -> list:
    return load_waivers(root, load_catalog(root))


def test_one_environment_s_comment_speaks_of_it_alone(promoted, base):
    head, _text = promoted
    text = gen(head, "diff", "--old-tree", str(base), "staging", "--format", "markdown").output
    staging = project_catalog().release("staging").active.value
    assert re.findall(r"^> \*\*`([^`]+)` serves\*\*", text, flags=re.MULTILINE) == [f"staging/{staging}"]
    rows = re.findall(r"^\| (\w+) \| .* of ", text, flags=re.MULTILINE)
    assert rows == ["staging"]  # its capacity (one more billing replica), no other environment's
    assert "**Network**: no flow added or removed." in text


def test_a_fifo_in_the_base_s_catalog_is_refused_unread(promoted, base, tmp_path):
    head, _text = promoted
    old = tmp_path / "base"
    for folder in ("rendered", "blueprints/catalog"):
        shutil.copytree(base / folder, old / folder)
    os.mkfifo(old / "blueprints/catalog/extra.yaml")  # opening it would block for ever
    result = gen(head, "diff", "--old-tree", str(old), "--format", "markdown")
    assert result.exit_code == 2
    assert "blueprints/catalog/extra.yaml" in result.output and "named pipe" in result.output


def test_a_script_s_changed_lines_as_a_unified_diff_with_context():
    script = [f'echo "step {n}"' for n in range(30)]
    changed = [*script[:14], 'psql -c "select 1"', *script[15:]]
    key = ("production/blue", "Job", "therapeutic-ai", "migrate")
    file = "rendered/production/blue/job-migrate.yaml"
    job = lambda text: {"spec": {"template": {"spec": {"containers": [  # noqa: E731
        {"name": "migrate", "args": ["-c", text]}]}}}}
    text = markdown("gen diff", compare({key: Entry(file, "migrate", job("\n".join(script)))},
                                        {key: Entry(file, "migrate", job("\n".join(changed)))}), ORDER)
    # the item is named by the first line of its script, not by its index
    assert re.search(r"^  - `spec\.template\.spec\.containers\[migrate\]\.args\[echo \"step 0\"…\]`: changed$", text,
                     flags=re.MULTILINE)
    (diff,) = re.findall(r"```diff\n(.*?)\n *```", text, flags=re.DOTALL)
    assert [line.strip() for line in diff.splitlines()] == [
        'echo "step 12"', 'echo "step 13"', '-echo "step 14"', '+psql -c "select 1"', 'echo "step 15"', 'echo "step 16"']
    assert '\\"' not in text


def test_a_huge_network_change_stays_within_the_budget_and_is_counted():
    """Thousands of new flows (a new environment of many services): the diagrams go first, then
    the flows past half the budget are counted; the objects still get their room."""
    flows = {(f"svc{n:04}-blue", "auth-blue", "8080") for n in range(3_000)}
    review = Review(network=network.changes({}, {"production": flows}, ["production"]))
    result = many_changes(parts=1, objects=20)
    text = markdown("gen diff", result, ORDER, budget=20_000, review=review)
    assert len(text.encode()) <= 20_000
    said = len(re.findall(r"^- `svc\d+` → `auth`:8080 \(new\)$", text, flags=re.MULTILINE))
    assert 0 < said < 3_000
    assert f"**{3_000 - said} more flow changes not shown**" in text
    assert "```mermaid" not in text
    assert len(re.findall(r"^- changed ", text, flags=re.MULTILINE)) == 20


def test_a_removed_object_shows_its_last_content_folded():
    key = ("production/shared", "ConfigMap", "therapeutic-ai", "old-settings")
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "old-settings"},
           "data": {"query": 'up{job="billing"} == 0', "script": "set -e\necho done\n"}}
    text = markdown("gen diff", compare({key: Entry("rendered/production/shared/configmap-old-settings.yaml",
                                                    "old-settings", obj)}, {}), ORDER)
    removed = text.split("- removed `ConfigMap/old-settings`", 1)[1]
    assert "<details><summary>last content</summary>" in removed
    (block,) = re.findall(r"```yaml\n(.*?)\n *```", removed, flags=re.DOTALL)
    assert yaml.safe_load("".join(line[2:] + "\n" for line in block.splitlines())) == obj
    assert '\\"' not in text and "\\n" not in text  # the query as written, the script as a literal block
