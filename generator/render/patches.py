"""Hand patches: `overlays/<env>/patches/`, a kustomize Component every part of the environment
includes. gen creates it once (a commented, empty scaffold) and never overwrites it; a render
builds the overlays with the project's patches as they are.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprints.layout import KUSTOMIZATION, patches_dir
from generator.files import Files
from generator.rendered import Part


def missing(project: Path, parts: tuple[Part, ...]) -> Files:
    """Scaffolds for the environments of `parts` that have no patches folder yet."""
    files: Files = {}
    for env in sorted({part.env for part in parts}):
        if not (project / patches_dir(env)).is_dir():
            files.update(scaffold(env))
    return files


def copy(project: Path, workspace: Path, parts: tuple[Part, ...]) -> None:
    """The project's hand patches of these parts' environments, into the scratch workspace."""
    for env in sorted({part.env for part in parts}):
        folder = patches_dir(env)
        if (project / folder).is_dir():
            shutil.copytree(project / folder, workspace / folder)


def scaffold(env: str) -> Files:
    """The empty Component an environment's hand patches go in; written only where none exists."""
    text = f"""\
# Hand-written patches for {env}. gen creates this file once and never overwrites it.
# It is a kustomize Component included by every part of {env} (shared, and each color or app),
# applied before a color's name suffix: target the blueprint's names (api-gateway, not
# api-gateway-green), and use `target:` selectors so a patch that matches nothing in one part
# is not an error. After editing, run `gen render {env}` and commit overlays/ and rendered/.
#
# For example, in place of `patches: []`:
#
# patches:
# - target: {{kind: Deployment, name: api-gateway}}
#   patch: |-
#     - op: add
#       path: /spec/template/metadata/annotations
#       value: {{example.com/owner: platform-team}}
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches: []  # kustomize refuses a Component with no fields at all
"""
    return {patches_dir(env) / KUSTOMIZATION: text.encode()}
