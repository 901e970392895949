"""The one bridge from plain manifests to cdk8s ApiObjects.

Blueprints build each object as a plain dict and hand it to cdk8s once: every jsii call costs
about a millisecond, so an object costs one constructor plus one patch, whatever its size.
"""

from __future__ import annotations


from cdk8s import ApiObject, JsonPatch
from constructs import Construct

from blueprints.types import Manifest


def api_object(scope: Construct, manifest: Manifest, id: str | None = None) -> ApiObject:
    """Add `manifest` (apiVersion, kind, metadata, ...) under `scope`. Its id is the kind unless
    given: a construct holding several objects of one kind names them `<kind>-<name>`."""
    body = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind", "metadata")}
    obj = ApiObject(
        scope,
        id or manifest["kind"],
        api_version=manifest["apiVersion"],
        kind=manifest["kind"],
        metadata=manifest["metadata"],
    )
    if body:
        obj.add_json_patch(*(JsonPatch.add(f"/{key}", value) for key, value in body.items()))
    return obj


def api_objects(scope: Construct, manifests: list[Manifest]) -> list[Manifest]:
    """Add each manifest under `scope`, one child per object named `<kind>-<name>` (a construct
    may hold several objects of one kind); returns the manifests, as the construct records them."""
    for manifest in manifests:
        api_object(scope, manifest, id=f"{manifest['kind']}-{manifest['metadata']['name']}")
    return manifests
