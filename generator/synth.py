"""Stage 1: the blueprints (cdk8s constructs) synthesized into plain manifests, per part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blueprints.model import Catalog
from generator.parts import Part
from generator.runtime import ensure_node


@dataclass(frozen=True)
class SynthPart:
    part: Part
    manifests: list[dict[str, Any]]
    # (kind, name) -> (blueprint class, overlay file stem); see blueprints.charts.Origin
    origins: dict[tuple[str, str], Any]


def synthesize(catalog: Catalog, parts: tuple[Part, ...]) -> list[SynthPart]:
    """One cdk8s App, one Chart per part; each chart is turned to JSON once (one jsii call)."""
    ensure_node()
    from cdk8s import App  # imported late: importing cdk8s starts the jsii runtime

    from blueprints.charts import part_chart

    app = App()
    charts = [(part, part_chart(app, catalog, catalog.environment(part.env), part.name)) for part in parts]
    return [SynthPart(part, list(chart.to_json()), chart.origins) for part, chart in charts]
