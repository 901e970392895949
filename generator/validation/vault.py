"""Where secrets come from: the environment's Vault, through the one ClusterSecretStore the catalog
declares (blueprints/identities.py `secret_store_spec`, the very function the blueprint renders it
with) and ExternalSecrets that read only the environment's keys. A store pointed at another Vault,
opened to another namespace, or an ExternalSecret reading another environment's keys (staging
reading production's PHI credentials) is refused, whatever else the object says."""

from __future__ import annotations

from typing import Any, Iterator

from generator.validation.policies import Context, Finding, found, rule


@rule("GEN-SECRET-STORE", "secrets come only from the environment's Vault: its ClusterSecretStore is the one the "
      "catalog declares (server, path, role, CA, namespaces) and every ExternalSecret reads that store, below the "
      "environment's key", waivable=False)
def _secret_store(ctx: Context) -> Iterator[Finding]:
    from blueprints.identities import secret_store_name, secret_store_spec, vault_key  # `gen rules` needs no pydantic

    check = "GEN-SECRET-STORE"
    if ctx.env.vault is None:
        return
    store, key = secret_store_name(ctx.env), vault_key(ctx.env)
    for doc in ctx.of_kind("ClusterSecretStore"):
        if doc.name == store and doc.obj.get("spec") != secret_store_spec(ctx.env):
            yield found(check, doc, f"spec differs from the Vault environments.yaml declares for {ctx.env.name} "
                        f"(server {ctx.env.vault.server}, role {ctx.env.vault.role}, namespaces [{ctx.env.namespace}])")
    for doc in ctx.of_kind("ExternalSecret"):
        spec = doc.obj.get("spec") if isinstance(doc.obj.get("spec"), dict) else {}
        ref = spec.get("secretStoreRef")
        if ref != {"kind": "ClusterSecretStore", "name": store}:
            yield found(check, doc, f"secretStoreRef {ref}: the environment's store is ClusterSecretStore/{store}")
        for where, remote in _remote_keys(spec):
            if remote is None:
                yield found(check, doc, f"{where}: reads no named key of the environment's Vault ({key!r})")
            elif not isinstance(remote, str) or not (remote == key or remote.startswith(key + "/")):
                yield found(check, doc, f"{where} {remote!r} is not below the environment's Vault key {key!r}")


def _remote_keys(spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(where, key) of every Vault key an ExternalSecret reads; a `find` or a generator is no key."""
    for i, item in enumerate(spec.get("data") or []):
        ref = item.get("remoteRef") if isinstance(item, dict) else None
        yield f"data[{i}].remoteRef.key", ref.get("key") if isinstance(ref, dict) else None
        if isinstance(item, dict) and item.get("sourceRef"):
            yield f"data[{i}].sourceRef", None
    for i, item in enumerate(spec.get("dataFrom") or []):
        if not isinstance(item, dict):
            yield f"dataFrom[{i}]", None
            continue
        for what in ("find", "sourceRef"):
            if what in item:
                yield f"dataFrom[{i}].{what}", None
        if "extract" in item:
            extract = item["extract"]
            yield f"dataFrom[{i}].extract.key", extract.get("key") if isinstance(extract, dict) else None
