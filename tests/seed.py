"""The seed's figures (shared/seed/deployment-guide.md, shared/DESIGN.md), declared once: the one
table the suite holds the committed catalog to, whatever else the catalog says (the tests derive
everything else from the catalog and the rendered tree).

A deliberate change of one of these figures edits DEVIATIONS in the same pull request: one line,
(service, field) -> (the new value, why). The seed's figure stays as the seed gives it.
"""

from __future__ import annotations

# service -> (port, production replicas, tier), from the seed
SEED_SERVICES = {
    "api-gateway": (8090, 5, "go"),
    "auth-rbac": (8080, 3, "go"),
    "chat-history": (8002, 3, "go"),
    "search-service": (8001, 3, "go"),
    "billing": (8081, 2, "go"),
    "audit-logging": (8084, 3, "go"),
    "content-safety": (8007, 2, "go"),
    "consent": (8083, 2, "go"),
    "emergency-access": (8085, 2, "go"),
    "background-tasks": (8086, 2, "go"),
    "relationship-mgmt": (8087, 2, "go"),
    "user-subscription": (8088, 2, "go"),
    "ai-gateway": (8000, 3, "python-ai"),
    "embedding-service": (8005, 2, "python-ai"),
    "generation-service": (8006, 2, "python-ai"),
    "emotion-analysis": (8003, 2, "python-ai"),
    "crisis-detection": (8004, 2, "python-ai"),
    "knowledge-ingestion": (8010, 2, "python-ai"),
    "bge-host": (8008, 2, "gpu-host"),
    "qwen-host": (8009, 2, "gpu-host"),
}
GPU_HOSTS = {"bge-host", "qwen-host"}

# the seed's production-config, key for key, but its `<service>_replicas` (SEED_SERVICES' replicas)
SEED_PRODUCTION_CONFIG = {
    "postgres_replicas": "3",
    "mongodb_replica_set": "true",
    "redis_cluster_mode": "true",
    "scylla_datacenter_count": "3",
    "max_connections_per_service": "100",
    "cache_ttl_seconds": "3600",
    "request_timeout_seconds": "30",
    "confidence_threshold": "0.7",
}


# the seed's staging cluster: workers, cores, memory, storage
SEED_STAGING_CLUSTER = (3, 16, "64Gi", "500Gi")

# (service, field) -> (value, reason): where the catalog deliberately departs from the seed
DEVIATIONS: dict[tuple[str, str], tuple[object, str]] = {
}

FIELDS = ("port", "replicas", "tier")


def figure(service: str, field: str):
    """The figure the catalog must hold: the seed's, or its declared deviation."""
    if (service, field) in DEVIATIONS:
        return DEVIATIONS[service, field][0]
    return SEED_SERVICES[service][FIELDS.index(field)]
