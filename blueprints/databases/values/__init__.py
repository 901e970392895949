"""Typed Helm values, one model per chart, under the charts' own key names."""
