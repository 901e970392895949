"""Stage 1: the blueprints (cdk8s constructs) synthesized into plain manifests, per part."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Iterator

from blueprints.model import Catalog
from blueprints.types import CatalogProblem
from generator.errors import RenderError
from generator.fieldpath import dotted
from generator.rendered import Part
from generator.runtime import ensure_node


@dataclass(frozen=True)
class SynthPart:
    part: Part
    manifests: list[dict[str, Any]]
    # (kind, name) -> (blueprint class, overlay file stem); see blueprints.charts.Origin
    origins: dict[tuple[str, str], Any]
    # files beside the objects (Helm values): name under rendered/<env>/<part>/ -> (header, data)
    files: dict[str, tuple[str, dict]]


def synthesize(catalog: Catalog, parts: tuple[Part, ...]) -> Iterator[SynthPart]:
    """One cdk8s App, one Chart per part, each turned to JSON once (one jsii call). Parts are
    yielded as they are done, so the caller can start kustomize on one while the next builds."""
    ensure_node()
    from cdk8s import App  # imported late: importing cdk8s starts the jsii runtime

    from blueprints.charts import part_chart

    app = App()
    built: dict[tuple[str, str], SynthPart] = {}
    for part in parts:
        env = part.environment
        # The services' chart depends on the environment and the image tag only: the color itself
        # is kustomize's (suffix and label). Two colors on one release are synthesized once.
        key = (part.env, "services", env.images.tag_for(part.color)) if part.color else (part.env, part.name)
        if key in built:
            same = built[key]
            yield SynthPart(part, copy.deepcopy(same.manifests), same.origins, same.files)
            continue
        try:
            chart = part_chart(app, catalog, env, part.name, part.color)
        except ValueError as exc:  # a blueprint refusing what the catalog asks: bad input, not a crash
            raise RenderError(refusal(part, exc)) from None
        built[key] = SynthPart(part, list(chart.to_json()), chart.origins, chart.files)
        yield built[key]


def refusal(part: Part, exc: ValueError) -> str:
    """One line naming the part, and the field when the blueprint names it (a CatalogProblem).
    Any ValueError counts (BlueprintError is the blueprints' own): it is the catalog's values the
    blueprint refuses."""
    if isinstance(exc, CatalogProblem):
        return f"{part}: {dotted(exc.loc)}: {exc.message}"
    return f"{part}: {exc}"
