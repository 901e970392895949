"""Label keys the blueprints share. Environment-wide labels are added by the overlays."""

NAME = "app.kubernetes.io/name"
COMPONENT = "app.kubernetes.io/component"
PART_OF = "app.kubernetes.io/part-of"
MANAGED_BY = "app.kubernetes.io/managed-by"
ENVIRONMENT = "therapeutic-ai.io/environment"
COMPLIANCE = "therapeutic-ai.io/compliance"
DATA_CLASS = "therapeutic-ai.io/data-class"
# The seed's own key for the blue-green color (`kubectl patch ... selector: {version: green}`).
VERSION = "version"
# On the live Services of a blue-green environment (`<svc>`, selecting the active color's pods),
# beside the per-color Services: monitoring skips Services that carry it, so no pod is scraped twice.
TRAFFIC = "therapeutic-ai.io/traffic"

PLATFORM = "therapeutic-ai"
MANAGER = "gen"

# What the pods an object makes request, when they are not in rendered/ (a chart's, an operator's):
# "cpu=6,memory=24Gi,storage=600Gi". `gen capacity` adds it up.
REQUESTS = "therapeutic-ai.io/requests"
