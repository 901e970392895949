"""`gen diff`: rendered objects compared field by field.

  sides.py      the two sides from the resolved arguments: committed or freshly rendered objects, keyed
  normalize.py  what is ignored between two colors or two environments
  compare.py    the diff itself, pure
  report.py     the result as text or JSON
"""

from generator.diff import report
from generator.diff.compare import Result, compare
from generator.diff.sides import Comparison, Target, comparison

__all__ = ["Comparison", "Result", "Target", "compare", "comparison", "report"]
