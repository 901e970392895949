"""The stores' charts hydrated: each database release rendered by a Helm engine, in-process, from
the vendored chart (charts/) with its recorded values, into its own part `rendered/<env>/<release>/`.

  engine.py    the Helm engine (helm-python-sdk: Helm v4.2's Go SDK through ctypes), behind one call
  refuse.py    what a hydrated release may not reach: hooks, random or cluster-reading functions
  hydrate.py   a release part's objects and files: render, refuse, normalize, label, split
"""
