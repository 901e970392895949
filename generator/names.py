"""Kubernetes' rules for names, label keys and values: the one set lives in `blueprints/names.py`
(a leaf the catalog's models use at the catalog line, so the blueprints need not import the
generator); the render and `gen validate` use the same functions through this module."""

from blueprints.names import *  # noqa: F401,F403
