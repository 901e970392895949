"""Argo CD's names and sync order, in one place (a leaf module: every blueprint may import it).

Sync waves order what one Application applies (lower first; Argo CD waits for each wave to be
healthy before the next). Within an environment's `shared` part:

  -30  namespaces                    everything else lives in them
  -25  configuration, NetworkPolicies the ConfigMap pods read; default-deny before any pod runs
  -20  secret references, certificates the databases' charts read these Secrets at first start
    0  everything else

The root Application (`<env>-argocd`, the app-of-apps) applies the AppProjects and the
environment's Applications in waves too: the projects, `shared`, the databases (Applications of the
pinned charts), the services' parts (a color, or `app`), the live Services last.
"""

from __future__ import annotations

from blueprints.layout import rendered_file

NAMESPACE = "argocd"
PROJECT = "therapeutic-ai"  # the platform's AppProject: its namespaces, never Argo CD's own
DELIVERY_PROJECT = "therapeutic-ai-delivery"  # the root Application's: Applications and AppProjects in argocd only
IN_CLUSTER = "https://kubernetes.default.svc"
FINALIZER = "resources-finalizer.argocd.argoproj.io"  # deleting the Application deletes what it applied

SYNC_WAVE = "argocd.argoproj.io/sync-wave"
HOOK = "argocd.argoproj.io/hook"
HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"

# resource waves inside a part
NAMESPACES_WAVE = -30
CONFIGURATION_WAVE = -25
SECRETS_WAVE = -20

# the live Services of a blue-green environment: their overlay source, and their Application `<env>-live`
LIVE = "live"

# waves inside the root Application
PROJECTS_WAVE = -3
SHARED_APP_WAVE = -2
DATABASES_APP_WAVE = -1
SERVICES_APP_WAVE = 0
LIVE_APP_WAVE = 1


def application(env: str, part: str) -> str:
    """The Application that syncs `part` of `env` (`production-green`; `production-live` for the
    live Services, which are files of `shared`)."""
    return f"{env}-{part}"


def wave(number: int) -> dict[str, str]:
    """The annotation that puts an object in sync wave `number`."""
    return {SYNC_WAVE: str(number)}

# the live Services' files in rendered/<env>/shared/: `<env>-live` applies them, `<env>-shared` the rest
LIVE_FILES = rendered_file("Service", "*")
