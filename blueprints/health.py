"""Verification after sync: the seed's `make health` (curl every service's `/health`) as an Argo
CD PostSync hook Job in each services part. Argo CD runs it once the part's Deployments are
healthy; a service that does not answer fails the Job, and the Job fails the sync.

The blueprint is synthesized once for both colors (the color is kustomize's), so the Job learns
its color from its own pod's `version` label (downward API) and calls `<svc>-<color>`, the color's
own Services, never the live ones: it checks the color that was just synced, before it serves.
In a color-less `app` part the label is absent and it calls `<svc>`.
"""

from __future__ import annotations

from constructs import Construct

from blueprints import argocd, labels, scanners
from blueprints.k8s import Manifest, api_object
from blueprints.model import HEALTH_CHECK, Catalog, Environment
from blueprints.security import container_security_context, pod_security_context, service_account

PATH = "/health"  # the seed's health endpoint (`curl http://api-gateway:8090/health`)
# Per service: up to RETRIES + 1 attempts of at most MAX_TIME s, RETRY_DELAY s apart (a pod that
# just turned ready, a Service whose endpoints are catching up). The Job's deadline is that budget
# for every service, one after another, plus a minute to start: it never kills a slow but honest run.
MAX_TIME, RETRIES, RETRY_DELAY = 5, 3, 5
PER_SERVICE_SECONDS = (RETRIES + 1) * MAX_TIME + RETRIES * RETRY_DELAY
START_SECONDS = 60

# $@: name:port of each service.
SCRIPT = f"""\
failed=0
for target in "$@"; do
  host="${{target%%:*}}${{COLOR:+-$COLOR}}"
  url="http://$host:${{target#*:}}{PATH}"
  if curl --fail --silent --show-error --output /dev/null --max-time {MAX_TIME} \\
      --retry {RETRIES} --retry-delay {RETRY_DELAY} --retry-connrefused --retry-all-errors "$url"; then
    echo "healthy    $url"
  else
    echo "UNHEALTHY  $url"
    failed=$((failed + 1))
  fi
done
echo "$failed of $# services unhealthy"
test "$failed" -eq 0
"""


class HealthCheck(Construct):
    """The PostSync Job (and its ServiceAccount) that calls `/health` on every running service."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        image = catalog.environments.delivery.health_check_image
        targets = [f"{s.name}:{s.port}" for s in catalog.services.services if env.replicas_for(s) > 0]
        pod_labels = {labels.NAME: HEALTH_CHECK, labels.COMPONENT: "verification"}
        metadata = {"name": HEALTH_CHECK, "namespace": env.namespace, "labels": dict(pod_labels)}
        container = {
            "name": HEALTH_CHECK,
            "image": image,
            "imagePullPolicy": "Always",
            "command": ["/bin/sh", "-c", SCRIPT, HEALTH_CHECK],
            "args": targets,
            "env": [{"name": "COLOR", "valueFrom": {"fieldRef": {"fieldPath": f"metadata.labels['{labels.VERSION}']"}}}],
            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}},
            "securityContext": container_security_context(),
        }
        job: Manifest = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                **metadata,
                "annotations": {
                    argocd.HOOK: "PostSync",
                    # the last run stays for `kubectl logs` until the next sync replaces it
                    argocd.HOOK_DELETE_POLICY: "BeforeHookCreation",
                    **scanners.annotations([image]),
                },
            },
            "spec": {
                "backoffLimit": 0,
                "activeDeadlineSeconds": START_SECONDS + PER_SERVICE_SECONDS * len(targets),
                "template": {
                    "metadata": {"labels": dict(pod_labels)},
                    "spec": {
                        "serviceAccountName": HEALTH_CHECK,
                        "automountServiceAccountToken": False,
                        "enableServiceLinks": False,
                        "restartPolicy": "Never",
                        "securityContext": pod_security_context(),
                        "containers": [container],
                    },
                },
            },
        }
        self.manifests: list[Manifest] = [service_account(metadata), job]
        for manifest in self.manifests:
            api_object(self, manifest)
