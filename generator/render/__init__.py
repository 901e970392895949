"""`gen render` and `gen check`: the catalog through the blueprints and kustomize into files.

  select.py     what a render acts on (a Selection of parts)
  pipeline.py   the entry: the render's named phases, and the all-or-nothing write
  build.py      per part: synth.py -> overlays.py -> kustomize.py -> split.py, and readme.py
  patches.py    the hand-patches Component of each environment
"""

from generator.render.pipeline import Plan, RenderOptions, Rendered, check, plan, render
from generator.render.select import Selection, everything, whole

__all__ = ["Plan", "RenderOptions", "Rendered", "Selection", "check", "everything", "plan", "render", "whole"]
