"""`gen diff`: rendered objects compared field by field.

  sides.py      the two sides from the resolved arguments: committed or freshly rendered objects, keyed
  normalize.py  what is ignored between two colors or two environments
  compare.py    the diff itself, pure
  report.py     the result as text or JSON
  identity.py   list items named by what they are (a policy peer by its pods and namespace)
  markdown.py   the pull request comment: bounded, production first, security first
  review.py     what the comment's header says (old tree and its catalog against the project)
  header.py     that header as Markdown; network.py: the flows before and after, words and Mermaid
  values.py     values for people: unescaped, long strings as a diff, YAML blocks
"""

from generator.diff import report
from generator.diff.compare import Result, compare
from generator.diff.sides import Comparison, Target, comparison

__all__ = ["Comparison", "Result", "Target", "compare", "comparison", "report"]
