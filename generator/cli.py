"""The `gen` command line: parse options, call the library, print. Nothing else lives here.

Each command imports what it needs when it runs: `gen --help`, `gen rules` and the parsing of
every command start without the typed models, cdk8s or the validators (start-up: bench/render.py)."""

from __future__ import annotations

import errno
import gc
import os
import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import click

from blueprints.enums import Color
from blueprints.layout import RENDERED, SERVICES_FILE
from generator import lock
from generator.errors import EnvironmentFailure, GenError, ValidationFailed

if TYPE_CHECKING:
    from blueprints.model import Catalog, Environment
    from generator.files import Changes
    from generator.release.steps import Switch
    from generator.ondemand import output
    from generator.render import Selection


class GenGroup(click.Group):
    """The one place a GenError becomes a message on stderr and an exit code; a refusal by
    validation first prints its report, as `gen validate` would."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ValidationFailed as failed:
            from generator.validation import report

            for line in report.text(failed.report):
                click.echo(line)
            click.echo(f"gen: error: {failed}", err=True)
            ctx.exit(failed.exit_code)
        except GenError as exc:
            click.echo(f"gen: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # the machine failed us (disk full, permission, bad TMPDIR): exit 3
            if exc.errno == errno.EPIPE:  # stdout's reader left: what is still buffered goes nowhere
                _silence_stdout()
            click.echo(f"gen: error: {environment_failure(exc, ctx.obj)}", err=True)
            ctx.exit(EnvironmentFailure.exit_code)


def environment_failure(exc: OSError, project: Path | None) -> str:
    """`path: reason (ERRNO)`, the path relative to the project when it lies inside it."""
    where = exc.filename
    if where is not None and project is not None:
        try:
            where = Path(where).resolve().relative_to(project)
        except ValueError:
            pass
    code = errno.errorcode.get(exc.errno or 0, "")
    reason = f"{exc.strerror or exc}{f' ({code})' if code else ''}"
    return f"{where}: {reason}" if where is not None else reason


def find_project() -> Path:
    """The nearest folder, from here upwards, that holds the catalog; else the current folder."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / SERVICES_FILE).is_file():
            return folder
    return here


def project_of(ctx: click.Context) -> Path:
    """The project during shell completion, before `cli` has run: --project, GEN_PROJECT, or found."""
    given = ctx.find_root().params.get("project")
    return Path(given) if given else find_project()


def complete_environment(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from generator import completion

    return completion.environments(project_of(ctx), incomplete)


def complete_deployed_color(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from generator import completion

    return completion.deployed_colors(project_of(ctx), ctx.params.get("env"), incomplete)


def complete_store(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from generator import completion

    return completion.store_names(project_of(ctx), ctx.params.get("env"), incomplete)


def complete_target(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from generator import completion

    return completion.targets(project_of(ctx), incomplete)


def print_versions(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from generator.versions import lines

    for line in lines():
        click.echo(line)
    ctx.exit(0)


@click.group(cls=GenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=print_versions,
              help="Print gen's version and the pinned engines it renders with (kubectl and its Kustomize, Node, "
                   "cdk8s, the Helm engine), then exit.")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="GEN_PROJECT",
    help="The project folder (holds blueprints/catalog/). Default: the nearest one above the current folder.",
)
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """gen: the therapeutic AI platform's Kubernetes manifests, from typed cdk8s blueprints
    through Kustomize overlays to committed YAML under rendered/.

    \b
    Exit codes: 0 done; 1 validation failed, drift found or a step refused;
    2 bad input or usage; 3 the environment failed (disk full, permission,
    missing kubectl or Node, bad TMPDIR, another gen holding the project).
    A killed write is finished by the next command (see README)."""
    ctx.obj = (project or find_project()).resolve()
    ctx.with_resource(lock.project_lock(ctx.obj))


@cli.command(name="render")
@click.argument("env", required=False, shell_complete=complete_environment)
@click.option("--color", type=click.Choice([c.value for c in Color]), help="Render only this color's part.")
@click.option("--all", "everything", is_flag=True, help="Render every environment.")
@click.option("--no-validate", is_flag=True, help="Write even if the rendered objects fail `gen validate`.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@click.pass_obj
def render_command(project: Path, env: str | None, color: str | None, everything: bool, no_validate: bool,
                   quiet: bool) -> None:
    """Render ENV (every part, or one --color) into overlays/ and rendered/.

    The rendered objects are validated first (as `gen validate` would, with the environment's
    other parts as committed); nothing is written unless the whole render succeeds and passes."""
    from generator import runtime

    if color and not everything:  # one part, one chart: synthesized in this process
        runtime.start_cdk8s()
    try:
        from generator import arguments
        from generator.catalog import load_catalog
        from generator.progress import Progress
        from generator.render import RenderOptions, render

        catalog = load_catalog(project)
        selection = arguments.selection(catalog, env, color, everything)
        with Progress.on_terminal(quiet) as progress:
            rendered = render(RenderOptions(project, catalog, selection, validate=not no_validate), progress)
    finally:
        runtime.settle_cdk8s()
    changes = rendered.changes
    if not quiet:
        for line in changes.lines():
            click.echo(line)
    warn_if_live(rendered.catalog, selection, changes)
    what = "every environment" if everything else env + (f" --color {color}" if color else "")
    counts = f"{len(changes.added)} added, {len(changes.changed)} changed, {len(changes.removed)} removed"
    validated = (
        f"; validated: {rendered.report.errors} errors, {rendered.report.warnings} warnings"
        + (f", {rendered.report.waived} waived" if rendered.report.waived else "")
        if rendered.report else "; not validated (--no-validate)"
    )
    click.echo((f"gen render {what}: {counts}" if changes else f"gen render {what}: up to date") + validated)


@cli.command(name="validate")
@click.argument("env", required=False, shell_complete=complete_environment)
@click.option("--all", "everything", is_flag=True, help="Validate every environment (the default without ENV).")
@click.option("--format", "output", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True,
              help="text for people; json or junit for CI systems.")
@click.option("--kubernetes-version", metavar="1.NN",
              help="Validate against this Kubernetes version's schemas (default: kubernetes_version in environments.yaml).")
@click.option("-v", "--verbose", is_flag=True, help="List every warning, not a count per check.")
@click.pass_obj
def validate_command(project: Path, env: str | None, everything: bool, output: str, kubernetes_version: str | None,
                     verbose: bool) -> None:
    """Validate the committed rendered/ tree: strict schemas, policy rules, capacity fit.

    Exit 0 when clean, 1 when problems are found, 2 on bad usage."""
    from generator import arguments
    from generator.catalog import load_catalog
    from generator.progress import Progress
    from generator.validation import report, validate

    catalog = load_catalog(project)
    envs = arguments.environments(catalog, env, everything)
    with Progress.on_terminal() as progress:
        result = validate(project, catalog, envs, kubernetes_version, progress=progress)
    if output == "json":
        click.echo(report.as_json(result))
        click.echo(report.summary(result), err=True)  # stdout stays one JSON document
    elif output == "junit":
        click.echo(report.junit(result), nl=False)
        click.echo(report.summary(result), err=True)
    else:
        for line in report.text(result, verbose):
            click.echo(line)
    if not result.ok:
        raise click.exceptions.Exit(1)


@cli.command(name="capacity")
@click.argument("env", shell_complete=complete_environment)
@click.pass_obj
def capacity_command(project: Path, env: str) -> None:
    """What ENV requests (every part and color at once) against the cluster its profile declares.

    Exit 1 when it does not fit."""
    from generator import arguments
    from generator.catalog import load_catalog
    from generator.validation import report
    from generator.validation.run import environment_capacity

    catalog = load_catalog(project)
    profile = arguments.environment(catalog, env)
    result = environment_capacity(project, catalog, profile)
    click.echo(table(report.capacity_table(result)))
    cluster = profile.cluster
    verdict = "fits" if result.fits else "does NOT fit"
    click.echo(f"gen capacity {profile.name}: {verdict} the declared cluster ({cluster.description})")
    if not result.fits:
        raise click.exceptions.Exit(1)


@cli.command(name="posture")
@click.argument("env", shell_complete=complete_environment)
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def posture_command(project: Path, env: str, output: str) -> None:
    """What ENV may run, as the catalog declares it: namespaces, kinds, subjects, flows, entry,
    registries, Argo CD's sources. `gen validate` refuses everything else (default deny)."""
    import json

    from generator import arguments
    from generator.catalog import load_catalog
    from generator.posture.declared import derive
    from generator.posture.report import as_json, text

    catalog = load_catalog(project)
    posture = derive(catalog, arguments.environment(catalog, env))
    if output == "json":
        click.echo(json.dumps(as_json(posture), indent=2, sort_keys=False))
    else:
        for line in text(posture):
            click.echo(line)


@cli.command(name="graph")
@click.argument("env", shell_complete=complete_environment)
@click.option("--color", type=click.Choice([c.value for c in Color]), help="Only this color's pods (and the "
              "color-less: stores, Prometheus, the ingress controller).")
@click.option("--format", "output", type=click.Choice(["mermaid", "dot", "json"]), default="mermaid", show_default=True)
@click.pass_obj
def graph_command(project: Path, env: str, color: str | None, output: str) -> None:
    """ENV's dependency graph as the cluster will enforce it: the committed NetworkPolicies
    evaluated over the platform's pods, one edge per allowed source and target with its ports
    (DNS left out). Mermaid (GitHub renders it), Graphviz DOT, or JSON."""
    import json

    from generator import arguments
    from generator.catalog import load_catalog
    from generator.posture import graph
    from generator.validation.run import environment_tree

    catalog = load_catalog(project)
    profile = arguments.environment(catalog, env)
    if color and not profile.blue_green:
        raise click.UsageError(f"{env} has no blue-green; drop --color")
    found = graph.EnvironmentGraph(catalog, profile, environment_tree(project, catalog, profile).docs).edges(color)
    if output == "json":
        click.echo(json.dumps(graph.as_json(env, found), indent=2))
    else:
        for line in graph.as_dot(env, found) if output == "dot" else graph.as_mermaid(found):
            click.echo(line)


@cli.command(name="rules")
def rules_command() -> None:
    """The policy rules `gen validate` applies, by id."""
    from generator.validation.policies import rules_table

    rows = rules_table()
    click.echo(table(rows))
    click.echo(f"gen rules: {len(rows) - 1} rules")


@cli.command(name="check")
@click.pass_obj
def check_command(project: Path) -> None:
    """Exit 1 if committed overlays/ or rendered/ differ from a fresh render, or a vendored chart
    under charts/ differs from charts/lock.yaml. Writes nothing."""
    from generator.progress import Progress
    from generator.render import check
    from generator.vendor.lock import verify

    tampered = verify(project)  # before rendering: a render reads these charts
    for line in tampered:
        click.echo(line)
    if tampered:
        click.echo(f"gen check: {len(tampered)} vendored charts differ from charts/lock.yaml; bring them in again "
                   "with `gen chart import`")
        raise click.exceptions.Exit(1)
    with Progress.on_terminal() as progress:
        changes = check(project, progress)
    print_check("gen check", changes, "--all")


def print_check(command: str, changes: Changes, render_args: str) -> None:
    if not changes:
        click.echo(f"{command}: overlays/ and rendered/ match a fresh render")
        return
    for line in changes.lines(verbs=("missing", "changed", "extra")):
        click.echo(line)
    total = len(changes.added) + len(changes.changed) + len(changes.removed)
    click.echo(f"{command}: {total} files differ from a fresh render; run `gen render {render_args}` and commit")
    raise click.exceptions.Exit(1)


@cli.group(name="chart")
def chart_group() -> None:
    """The vendored Helm charts of the stores (charts/<name>-<version>/, locked by charts/lock.yaml)."""


@chart_group.command(name="import")
@click.argument("key")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--record", is_flag=True, help="Vendor a version the lock does not hold yet, and record it in the lock.")
@click.option("--source-url", "origin", default="", help="Where the chart is published (recorded with --record).")
@click.option("--upstream", default="", help="The upstream commit it was cut from (recorded with --record).")
@click.pass_obj
def chart_import_command(project: Path, key: str, source: Path, record: bool, origin: str, upstream: str) -> None:
    """Bring a chart you pulled (`helm pull ... --version V`: the .tgz, or the --untar folder) into
    charts/ as KEY (its key in databases.yaml's `charts`). A locked version must match the lock byte
    for byte or is refused (exit 1, nothing changed); a new version needs --record. Then regenerate
    the key lists: `python -m generator.vendor.keys`."""
    from generator.vendor.intake import intake

    done = intake(project, key, source, record=record, origin=origin, upstream=upstream)
    verb = "recorded in charts/lock.yaml" if done.recorded else "matches charts/lock.yaml"
    click.echo(f"gen chart import: {done.entry.name} {done.entry.version} ({done.entry.folder}) {verb}")


@cli.group(name="hook")
def hook_group() -> None:
    """What the pre-commit hooks run (.pre-commit-config.yaml): `gen check` and `gen validate`
    of the environments the given files touch: rendered/ENV/ and overlays/ENV/ touch ENV;
    blueprints/ (the catalog too), generator/, schemas/ and pyproject.toml touch every one;
    other files none."""


def hook_command(verb: str):
    """Register `gen hook VERB FILES...`: `run(project, catalog, envs)` on the environments FILES
    touch (says so and does nothing when they touch none)."""

    def register(run):
        @hook_group.command(name=verb, help=run.__doc__)
        @click.argument("files", nargs=-1)
        @click.pass_obj
        def command(project: Path, files: tuple[str, ...]) -> None:
            catalog, envs = touched(project, files, verb)
            if envs:
                run(project, catalog, envs)

        return command

    return register


@hook_command("check")
def hook_check(project: Path, catalog: Catalog, envs: list[Environment]) -> None:
    """`gen check` of the environments FILES touch. Exit 1 if they differ from a fresh render."""
    from generator.progress import Progress
    from generator.render import hooks

    with Progress.on_terminal() as progress:
        changes = hooks.check(project, catalog, envs, progress)
    names = [env.name for env in envs]
    print_check(f"gen hook check ({', '.join(names)})", changes, names[0] if len(names) == 1 else "--all")


@hook_command("validate")
def hook_validate(project: Path, catalog: Catalog, envs: list[Environment]) -> None:
    """`gen validate` of the environments FILES touch. Exit 1 on problems."""
    from generator.progress import Progress
    from generator.validation import report, validate

    with Progress.on_terminal() as progress:
        result = validate(project, catalog, envs, progress=progress)
    for line in report.text(result):
        click.echo(line)
    if not result.ok:
        raise click.exceptions.Exit(1)


def touched(project: Path, files: tuple[str, ...], verb: str) -> tuple[Catalog, list[Environment]]:
    """The catalog and the environments the files touch; says so when there are none."""
    from generator import arguments
    from generator.catalog import load_catalog

    catalog = load_catalog(project)
    envs = arguments.touched_environments(catalog, files)
    if not envs:
        click.echo(f"gen hook {verb} (no environment touched): nothing to {verb}")
    return catalog, envs


def warn_if_live(catalog: Catalog, selection: Selection, changes: Changes) -> None:
    """Changing what serves is allowed (a fix to what is live), never quietly: a render that adds,
    changes or removes a file of the serving color or of `shared` (the live Services, the
    policies, the ConfigMap both colors read) says so, whatever its arguments. A README is not
    synced: its changes alone are not news."""
    from blueprints.layout import README
    from generator.rendered.parts import SHARED

    touched = [p for p in (*changes.added, *changes.changed, *changes.removed)
               if RENDERED in p.parents and p.name != README]
    for env in selection.environments:
        release = catalog.release(env.name)
        if release is None:
            continue
        live = [name for name in (release.active.value, SHARED)
                if any(PurePosixPath(RENDERED, env.name, name) in p.parents for p in touched)]
        if live:
            click.echo(f"gen: note: this changes what serves {env.name} ({', '.join(f'rendered/{env.name}/{n}' for n in live)}) "
                       f"as soon as Argo CD syncs it; a blue-green release renders the idle color and promotes it",
                       err=True)


@cli.command(name="promote")
@click.argument("env", shell_complete=complete_environment)
@click.argument("color", type=click.Choice([c.value for c in Color]), shell_complete=complete_deployed_color)
@click.pass_obj
def promote_command(project: Path, env: str, color: str) -> None:
    """Make COLOR serve ENV: the live Services select it (rendered/ENV/shared/service-*.yaml)
    and blueprints/catalog/releases.yaml records it, with the color it replaces.

    Refuses (exit 1, nothing changed) when COLOR is not rendered, is already active, differs
    from a fresh render, or the environment with COLOR serving fails `gen validate`; and while
    rendered/ENV/shared/ differs from a fresh render in anything but the live Services. Commit
    the change and open the PR."""
    from generator import arguments
    from generator.catalog import load_catalog
    from generator.release import steps as release

    catalog = load_catalog(project)
    result = release.promote(project, catalog, arguments.environment(catalog, env), arguments.color(color))
    print_switch(result, "promote")


@cli.command(name="restore-plan")
@click.argument("env")
@click.argument("store", shell_complete=complete_store)
@click.option("--backup", required=True, help="The dump to restore, as named on the dump volume (pg_dumpall-2026-11-28-02-30).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write one file per object to this new (or empty) folder; default: print them.")
@click.pass_obj
def restore_plan_command(project: Path, env: str, store: str, backup: str, out: Path | None) -> None:
    """The manifests of a restore drill: the dump BACKUP of STORE in ENV restored into a scratch
    namespace (<namespace>-restore-<store>) by a Job that then checks the outcome; validated as
    `gen validate` validates rendered/, whose files (and overlays/) it never touches. Apply them
    with `kubectl apply -f DIR`; see README, "Backups and restore"."""
    from generator import arguments
    from generator.catalog import load_catalog
    from generator.ondemand import restore

    catalog = load_catalog(project)
    options = restore.RestorePlanOptions(project, catalog, arguments.environment(catalog, env), store, backup, out)
    print_on_demand(restore.plan(options), out, f"gen restore-plan {env} {store}")


@cli.command(name="downgrade-plan")
@click.argument("env")
@click.argument("store", shell_complete=complete_store)
@click.option("--color", type=click.Choice([c.value for c in Color]), help="Whose release's image (default: the serving color's).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write one file per object to this new (or empty) folder; default: print them.")
@click.pass_obj
def downgrade_plan_command(project: Path, env: str, store: str, color: str | None, out: Path | None) -> None:
    """The schema downgrade of STORE in ENV (databases.yaml `migrations.jobs.<store>.downgrade`, the
    seed's `alembic downgrade -1`) as a Job to apply by hand, validated; rendered/ and overlays/
    are not touched. See README, "Migrations"."""
    from generator import arguments
    from generator.catalog import load_catalog
    from generator.ondemand import downgrade

    catalog = load_catalog(project)
    options = downgrade.DowngradePlanOptions(project, catalog, arguments.environment(catalog, env), store,
                                             arguments.color(color) if color else None, out)
    print_on_demand(downgrade.plan(options), out, f"gen downgrade-plan {env} {store}")


def print_on_demand(result: output.OnDemand, out: Path | None, what: str) -> None:
    """Manifests rendered on demand: printed (the summary then on stderr) or written to `out`."""
    if out is None:
        click.echo(result.document(), nl=False)
    else:
        result.write(out)
        for name in result.files:
            click.echo(f"  wrote {out / name}")
    click.echo(f"{what}: {len(result.files)} objects, validated: 0 errors", err=out is None)


@cli.command(name="rollback")
@click.argument("env", shell_complete=complete_environment)
@click.pass_obj
def rollback_command(project: Path, env: str) -> None:
    """Make the color the last promotion replaced serve ENV again: the rendered files, byte for
    byte, as before that promotion (the record then names no previous color). Refuses (exit 1)
    when there is none to return to."""
    from generator import arguments
    from generator.catalog import load_catalog
    from generator.release import steps as release

    catalog = load_catalog(project)
    result = release.rollback(project, catalog, arguments.environment(catalog, env))
    print_switch(result, "rollback")


def print_switch(result: Switch, verb: str) -> None:
    for name in result.services:
        click.echo(f"Service {name}: selector version {result.was.value} -> {result.active.value}")
    for line in result.rendered.changes.lines():
        click.echo(line)
    click.echo(
        f"gen {verb} {result.env.name}: {len(result.services)} live Services switch from {result.was.value} to "
        f"{result.active.value}; commit, review, merge, then {sync_step(result.env, 'live')}, "
        f"and {sync_step(result.env, 'shared')} (the rollback alerts watch {result.active.value})"
    )


def sync_step(env: Environment, part: str, prune: bool = False) -> str:
    """What happens after the merge: Argo CD syncs by itself, or an operator syncs (production)."""
    if not env.argocd:
        return f"apply {RENDERED / env.name}/ by hand"
    if env.sync == "automated":
        return f"Argo CD syncs {env.name}-{part} by itself"
    return f"sync {env.name}-{part}" + (" (with prune)" if prune else "")


@cli.command(name="retire")
@click.argument("env", shell_complete=complete_environment)
@click.argument("color", type=click.Choice([c.value for c in Color]), shell_complete=complete_deployed_color)
@click.pass_obj
def retire_command(project: Path, env: str, color: str) -> None:
    """Remove the idle COLOR of ENV: its overlay, its rendered part and its Argo CD Application
    (Argo CD then prunes what it ran). Refuses (exit 1) to retire the color that serves ENV.
    `gen render ENV --color COLOR` deploys it again."""
    from generator import arguments
    from generator.catalog import load_catalog
    from generator.files import Changes
    from generator.release import steps as release

    catalog = load_catalog(project)
    result = release.retire(project, catalog, arguments.environment(catalog, env), arguments.color(color))
    changes = result.rendered.changes
    for folder in result.removed_folders:
        files = sum(1 for path in changes.removed if folder in path.parents)
        click.echo(f"removed  {folder}/ ({files} files)")
    elsewhere = [p for p in changes.removed if not any(f in p.parents for f in result.removed_folders)]
    for line in Changes([], changes.changed, elsewhere).lines():
        click.echo(line)
    click.echo(f"gen retire {env} {color}: {len(changes.removed)} files removed, {len(changes.changed)} changed; "
               f"commit, review, merge, then {sync_step(result.env, 'argocd', prune=True)}")


@cli.command(name="diff")
@click.argument("targets", nargs=-1, metavar="[A [B]]", shell_complete=complete_target)
@click.option("--format", "output", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True,
              help="text for people; json (sorted keys) for programs; markdown for a pull request's comment "
                   "(production first, promotions called out, at most 60,000 bytes; with --old-tree, a review's "
                   "header: serving colors reached, catalog files, capacity, waivers, the network's changes).")
@click.option("--old-tree", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR",
              help="Compare DIR/rendered/ (a checkout of another revision, e.g. the pull request's base) with "
                   "this project's committed rendered/.")
@click.pass_obj
def diff_command(project: Path, targets: tuple[str, ...], output: str, old_tree: Path | None) -> None:
    """Compare rendered objects field by field. Writes nothing.

    \b
      gen diff                                    committed rendered/ against a fresh render
      gen diff ENV | ENV/PART                     one environment or part, against a fresh render
      gen diff staging production                 two committed environments, part by part
      gen diff production/blue production/green   two committed parts
      gen diff --old-tree DIR [ENV | ENV/PART]    DIR's committed rendered/ against this project's

    Changes read old -> new: the committed tree before the fresh render, A before B,
    DIR's tree before this project's.

    \b
    Objects pair up by part, kind, namespace and name. Normalized first, on both sides:
    - two colors: the color as a whole token of every string value, so
      api-gateway-blue, `version: blue`, http://api-gateway-blue:8090/health
      read api-gateway-<color>, `version: <color>`, http://api-gateway-<color>:8090/health;
    - two environments: the environment's name where it names things, nowhere else
      (svc.cluster.local keeps its `local`): a whole -separated token of metadata.name
      (staging-config, vault-staging, staging-postgres read <env>-config, vault-<env>,
      <env>-postgres), the value of labels and selectors named environment or
      .../environment (therapeutic-ai.io/environment: <env>), and strings equal to the
      old name of an object so renamed (envFrom's staging-config reads <env>-config).

    Exit 0 when equal, 1 when different, 2 on bad usage or a committed file that is not an object."""
    from generator import arguments, diff
    from generator.catalog import load_catalog
    from generator.diff import base as diff_base, markdown as diff_markdown

    from generator.progress import Progress

    catalog = load_catalog(project)
    where = None  # with --old-tree: the one ENV or ENV/PART compared, if any
    if old_tree is None:
        title = " ".join(("gen diff", *targets))
        with Progress.on_terminal() as progress:  # a fresh render's status line, as render's and check's
            comparison = diff.comparison(project, catalog, arguments.diff_targets(project, catalog, targets), title,
                                         progress)
    else:
        title = " ".join(("gen diff --old-tree", str(old_tree), *targets))
        where = arguments.tree_target(project, catalog, targets)
        comparison = diff_base.against_tree(project, catalog, old_tree, where, title)
    result = diff.compare(comparison.old, comparison.new)
    if output == "json":
        click.echo(diff.report.as_json(comparison.title, comparison.old_label, comparison.new_label, result))
    elif output == "markdown":
        order = [e.name for e in catalog.environments.environments]
        review = None
        if old_tree is not None and result:  # a pull request's comment: the header of a review
            from generator.diff.review import review as make_review

            changed = {change.key[0] for change in diff_markdown.result_objects(result)}
            review = make_review(project, catalog, old_tree, changed, where.environment.name if where else None)
        click.echo(diff_markdown.markdown(comparison.title, result, order, review=review), nl=False)
    else:
        for line in diff.report.text(comparison.title, result):
            click.echo(line)
    if result:
        raise click.exceptions.Exit(1)


@cli.command(name="list")
@click.pass_obj
def list_command(project: Path) -> None:
    """Environments, their parts, and the services with their replicas in each environment.

    The table is remembered with the catalog and gen's code it was made from, and printed again
    while neither changes (generator/memo.py; GEN_CACHE=off turns that off)."""
    from generator import memo

    made_of = memo.key(project)
    text = memo.recall(project, "list", made_of)
    if text is None:
        from generator.catalog import load_catalog

        text = listing(load_catalog(project))
        memo.keep(project, "list", made_of, text)
    click.echo(text)


def listing(catalog: Catalog) -> str:
    """`gen list`'s output for a catalog."""
    from generator.rendered import parts

    envs = catalog.environments.environments
    rows = [["ENVIRONMENT", "COMPLIANCE", "DATA", "BLUE-GREEN", "PARTS", "GPU HOSTS", "CLUSTER"]]
    for e in envs:
        cluster = f"{e.cluster.workers} workers, {e.cluster.cpu} cores, {e.cluster.memory}, {e.cluster.storage}"
        if e.cluster.gpus:
            cluster += f", {e.cluster.gpus} GPUs"
        rows.append([e.name, e.compliance, e.data_class, "yes" if e.blue_green else "no",
                     ",".join(p.name for p in parts(catalog, e)), e.gpu_hosts.value, cluster])
    services = [["SERVICE", "TIER", "PORT", *(f"{e.name.upper()}" for e in envs), "ROLE"]]
    for s in catalog.services.services:
        services.append([s.name, s.tier.value, str(s.port), *(str(e.replicas_for(s)) for e in envs), s.role])
    return "\n".join([table(rows), "", table(services),
                      f"gen list: {len(envs)} environments, {len(catalog.services.services)} services"])


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def main() -> None:
    """The process's one boundary: the command (GenGroup maps its errors to exit codes), then
    its output, which must reach stdout: a closed stdout, or a reader that left (EPIPE), is the
    environment's failure (exit 3), said in one line on stderr, never a traceback."""
    code = 0
    try:
        if sys.stdout is None or not _open(1):
            raise OSError(errno.EBADF, "closed: gen's output has nowhere to go", "stdout")
        try:
            cli(prog_name="gen")
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        sys.stdout.flush()
    except OSError as exc:  # stdout closed or its reader gone (EPIPE): nothing more can go there
        _silence_stdout()
        click.echo(f"gen: error: {environment_failure(exc, None)}", err=True)
        code = EnvironmentFailure.exit_code
    finally:
        # the process is leaving and its memory with it: the cycle collector's passes over every
        # object at interpreter exit (a quarter of a second after validating 13,000 objects) are
        # skipped. Exit handlers still run; nothing is left undone.
        gc.freeze()
    raise SystemExit(code)  # the process's boundary: the library never exits


def _open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit finds nowhere to fail."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass
