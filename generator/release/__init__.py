"""`gen promote`, `gen rollback`, `gen retire`: blue-green releases.

  steps.py    the entry: each release step, refused or written all or nothing
  record.py   the release record (`blueprints/catalog/releases.yaml`): its one written form
  traffic.py  a render refuses a record whose active color the committed live Services do not select
  migrations.py  the rule render and promote share: no contract migration beside another color

This package imports nothing eagerly: the render reads `record` (rendering a retired color
deploys it again), and `steps` renders.
"""
