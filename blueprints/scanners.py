"""What the blueprints tell checkov, the Kubernetes scanner CI runs over rendered/.

The target is no skip at all. The one that remains: CKV_K8S_43 (image by digest) on workloads
whose image no catalog entry pins by digest yet. A digest can only come from the registry at
release time, and this repository renders offline: the release records it in the catalog
(`images.digests` of the environment, `digest` of a database image), and the skip disappears.
"""

from __future__ import annotations

DIGEST_SKIP = (
    "CKV_K8S_43=pinned by release tag; no digest recorded for this image in the catalog yet "
    "(images.digests in environments.yaml, digest in databases.yaml)"
)


def annotations(images: list[str]) -> dict[str, str]:
    """The checkov skips a workload running these images needs (none once all carry a digest)."""
    return {} if all("@sha256:" in image for image in images) else {"checkov.io/skip1": DIGEST_SKIP}
