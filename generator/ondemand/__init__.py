"""Manifests rendered on demand, applied by hand once, never written to rendered/ or overlays/:

  output.py     the shared tail: labelled, validated as rendered/ is, printed or written to a folder
  restore.py    `gen restore-plan`: a restore drill of one store's dump (blueprints/restore.py)
  downgrade.py  `gen downgrade-plan`: a store's schema downgrade Job (blueprints/migrations.py)
"""
