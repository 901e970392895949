"""The vendored Helm charts: `charts/<name>-<version>/`, locked by `charts/lock.yaml`.

  lock.py     the lock: per chart its source, version, published archive digest (where known),
              dependencies and the digest of the vendored files; `verify` checks the tree offline
  keys.py     every values key of a vendored chart, read from its default values
  intake.py   a chart the user pulled (archive or folder) brought into charts/, checked against the lock
"""
