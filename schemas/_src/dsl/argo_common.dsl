def JsonnetVar o req=name,value
  code b
  name s
  value s
def ApplicationSource o req=repoURL
  chart s
  directory @SourceDirectory
  helm @SourceHelm
  kustomize @SourceKustomize
  name s
  path s
  plugin @SourcePlugin
  ref s
  repoURL s
  targetRevision s
def SourceDirectory o
  exclude s
  include s
  jsonnet o
    extVars a:@JsonnetVar
    libs a:s
    tlas a:@JsonnetVar
  recurse b
def SourceHelm o
  apiVersions a:s
  fileParameters a:o
    name s
    path s
  ignoreMissingValueFiles b
  kubeVersion s
  namespace s
  parameters a:o
    forceString b
    name s
    value s
  passCredentials b
  releaseName s
  skipCrds b
  skipSchemaValidation b
  skipTests b
  valueFiles a:s
  values s
  valuesObject o pu
  version s
def SourceKustomize o
  apiVersions a:s
  commonAnnotations m:s
  commonAnnotationsEnvsubst b
  commonLabels m:s
  components a:s
  forceCommonAnnotations b
  forceCommonLabels b
  ignoreMissingComponents b
  images a:s
  kubeVersion s
  labelIncludeTemplates b
  labelWithoutSelector b
  namePrefix s
  nameSuffix s
  namespace s
  patches a:o
    options m:b
    patch s
    path s
    target o
      annotationSelector s
      group s
      kind s
      labelSelector s
      name s
      namespace s
      version s
  replicas a:o req=count,name
    count ios
    name s
  version s
def SourcePlugin o
  env a:o req=name,value
    name s
    value s
  name s
  parameters a:o
    array a:s
    map m:s
    name s
    string s
def NameValue o req=name,value
  name s
  value s
def RetryStrategy o
  backoff o
    duration s
    factor i
    maxDuration s
  limit i
  refresh b
def SyncPolicy o
  automated o
    allowEmpty b
    enabled b
    prune b
    selfHeal b
  managedNamespaceMetadata o
    annotations m:s
    labels m:s
  retry @RetryStrategy
  syncOptions a:s
def ApplicationSpec o req=destination,project
  destination o
    name s
    namespace s
    server s
  ignoreDifferences a:o req=kind
    group s
    jqPathExpressions a:s
    jsonPointers a:s
    kind s
    managedFieldsManagers a:s
    name s
    namespace s
  info a:@NameValue
  project s
  revisionHistoryLimit i
  source @ApplicationSource
  sourceHydrator o req=drySource,syncSource
    drySource o req=path,repoURL,targetRevision
      directory @SourceDirectory
      helm @SourceHelm
      kustomize @SourceKustomize
      path s
      plugin @SourcePlugin
      repoURL s
      targetRevision s
    hydrateTo o req=targetBranch
      targetBranch s
    syncSource o req=path,targetBranch
      path s minL=1 p=^.{2,}|[^./]$
      targetBranch s
  sources a:@ApplicationSource
  syncPolicy @SyncPolicy
