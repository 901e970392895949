"""Alert routing (issue 14): one AlertmanagerConfig per environment Argo CD syncs.

Alerts labelled `action: rollback` (the automatic rollback conditions, blueprints/monitoring.py)
go to the release on-call; the rest go by severity: critical to its receiver, warning and info to
the default. The receivers are named in the environment's profile (`alerting:` in
environments.yaml); their URLs and keys are not in git: each receiver reads key `<receiver>` of
Secret `alertmanager-receivers`, which External Secrets makes from Vault (blueprints/secrets.py).
The Prometheus Operator limits an AlertmanagerConfig to alerts of its own namespace (label
`namespace`): every platform alert carries it.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from blueprints import labels
from blueprints.k8s import Manifest, api_objects
from blueprints.model import Catalog, Environment, Receiver
from blueprints.identities import monitored
from blueprints.monitoring import COMPONENT, ROUTING_LABEL
from blueprints.secrets import ALERT_RECEIVERS as RECEIVERS_SECRET

API_VERSION = "monitoring.coreos.com/v1alpha1"
NAME = "alert-routing"
GROUP_BY = ["alertname", "job", "container", "version"]  # one notification per alert, service and color
TIMING = {"groupWait": "30s", "groupInterval": "5m", "repeatInterval": "4h"}  # assumed


def matcher(name: str, value: str) -> dict[str, str]:
    """An equality matcher: `matchType` left out, its meaning then (a bare `=` in YAML is the
    value-key tag of YAML 1.1, which YAML 1.1 loaders such as PyYAML refuse)."""
    return {"name": name, "value": value}


def receiver(target: Receiver) -> dict[str, Any]:
    """A receiver whose URL or key is a Secret reference, never a value."""
    secret = {"name": RECEIVERS_SECRET, "key": target.name}
    if target.kind == "pagerduty":
        return {"name": target.name, "pagerdutyConfigs": [{"routingKey": secret, "sendResolved": True}]}
    if target.kind == "slack":
        return {"name": target.name,
                "slackConfigs": [{"apiURL": secret, "channel": target.channel, "sendResolved": True}]}
    return {"name": target.name, "webhookConfigs": [{"urlSecret": secret, "sendResolved": True}]}


def alertmanager_config(catalog: Catalog, env: Environment) -> Manifest:
    alerting = env.alerting
    assert alerting is not None
    return {
        "apiVersion": API_VERSION,
        "kind": "AlertmanagerConfig",
        "metadata": {
            "name": NAME,
            "namespace": env.namespace,
            "labels": {labels.NAME: NAME, labels.COMPONENT: COMPONENT, **catalog.monitoring.prometheus.object_labels},
        },
        "spec": {
            "route": {
                "receiver": alerting.warning.name,
                "groupBy": GROUP_BY,
                **TIMING,
                "routes": [
                    {"receiver": alerting.release_on_call.name, "matchers": [matcher(ROUTING_LABEL, "rollback")]},
                    {"receiver": alerting.critical.name, "matchers": [matcher("severity", "critical")]},
                ],
            },
            "receivers": [receiver(r) for r in alerting.receivers()],
        },
    }


def manifests_for(catalog: Catalog, env: Environment) -> list[Manifest]:
    """The environment's routing; none where there is no Prometheus Operator (local)."""
    if not monitored(env) or env.alerting is None:
        return []
    return [alertmanager_config(catalog, env)]


class AlertRouting(Construct):
    """The environment's AlertmanagerConfig."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = manifests_for(catalog, env)
        api_objects(self, self.manifests)
