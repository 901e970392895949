"""JSON Schemas of the catalog files, generated from their pydantic models, for editors.

`schemas/catalog/<file>.schema.json` for each `blueprints/catalog/<file>.yaml`; each catalog file
names its schema on its first line (`generator.catalog.modeline`), which the YAML language server (VS Code's YAML
extension, Neovim, Helix, JetBrains) reads to complete keys and flag typos while typing. The
models stay the one source: after changing one, run

    python -m generator.catalogschemas            # writes schemas/catalog/
    python -m generator.catalogschemas --check    # exit 1 if they differ from the models

The schemas say what a single file may hold (keys, types, patterns, enums); rules that span
fields or files (unique ports, services the monitoring table names) stay the loader's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from blueprints.databases.spec import DatabaseCatalog
from blueprints.model import EnvironmentCatalog, ReleaseCatalog, ServiceCatalog
from blueprints.monitoring_spec import MonitoringCatalog
from generator.catalog import (DATABASES_FILE, ENVIRONMENTS_FILE, MONITORING_FILE, RELEASES_FILE, SERVICES_FILE,
                               schema_path)
from generator.validation.waivers import WAIVERS_FILE, WaiverCatalog

DIALECT = "https://json-schema.org/draft/2020-12/schema"
MODELS: dict[Path, type[BaseModel]] = {
    SERVICES_FILE: ServiceCatalog,
    ENVIRONMENTS_FILE: EnvironmentCatalog,
    DATABASES_FILE: DatabaseCatalog,
    MONITORING_FILE: MonitoringCatalog,
    RELEASES_FILE: ReleaseCatalog,
    WAIVERS_FILE: WaiverCatalog,
}


def schema(model: type[BaseModel]) -> dict:
    document = model.model_json_schema(mode="validation", by_alias=True)
    return {"$schema": DIALECT, **document}


def files() -> dict[Path, bytes]:
    """Every catalog schema, by path in the project, as written."""
    return {
        schema_path(catalog_file): (json.dumps(schema(model), indent=2, ensure_ascii=False) + "\n").encode()
        for catalog_file, model in MODELS.items()
    }


def stale(project: Path) -> list[Path]:
    """The schema files missing or different from the models."""
    return [path for path, content in files().items()
            if not (project / path).is_file() or (project / path).read_bytes() != content]


def main(argv: list[str]) -> int:
    project = Path.cwd()
    if argv not in ([], ["--check"]):
        print("usage: python -m generator.catalogschemas [--check]", file=sys.stderr)
        return 2
    differ = stale(project)
    if argv == ["--check"]:
        for path in differ:
            print(f"differs  {path}")
        print(f"catalog schemas: {len(differ)} differ from the models"
              + ("; run `python -m generator.catalogschemas`" if differ else ""))
        return 1 if differ else 0
    for path, content in files().items():
        if path in differ:
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_bytes(content)
            print(f"wrote    {path}")
    print(f"catalog schemas: {len(differ)} written, {len(MODELS) - len(differ)} up to date")
    return 0


if __name__ == "__main__":  # the command line's entry: main() itself returns the exit code
    raise SystemExit(main(sys.argv[1:]))
