top operation o
  info a:@NameValue
  initiatedBy o
    automated b
    username s
  retry @RetryStrategy
  sync o
    autoHealAttemptsCount i
    dryRun b
    manifests a:s
    prune b
    resources a:o req=kind,name
      group s
      kind s
      name s
      namespace s
    revision s
    revisions a:s
    source @ApplicationSource
    sources a:@ApplicationSource
    syncOptions a:s
    syncStrategy o
      apply o
        force b
      hook o
        force b
toprequired spec
top spec @ApplicationSpec
