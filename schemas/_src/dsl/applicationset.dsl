def ApplicationSetTemplate o req=metadata,spec
  metadata o
    annotations m:s
    finalizers a:s
    labels m:s
    name s
    namespace s
  spec @ApplicationSpec
def SecretRef o req=key,secretName
  key s
  secretName s
def ConfigMapKeyRef o req=configMapName,key
  configMapName s
  key s
def BasicAuth o req=passwordRef,username
  passwordRef @SecretRef
  username s
def BearerToken o req=tokenRef
  tokenRef @SecretRef
def PathItem o req=path
  exclude b
  path s
def ClusterDecisionResourceGenerator o req=configMapRef
  configMapRef s
  labelSelector @LabelSelector
  name s
  requeueAfterSeconds i
  template @ApplicationSetTemplate
  values m:s
def ClusterGenerator o
  flatList b
  selector @LabelSelector
  template @ApplicationSetTemplate
  values m:s
def GitGenerator o req=repoURL,revision
  directories a:@PathItem
  files a:@PathItem
  pathParamPrefix s
  repoURL s
  requeueAfterSeconds i
  revision s
  template @ApplicationSetTemplate
  values m:s
def ListGenerator o
  elements a:any pu
  elementsYaml s
  template @ApplicationSetTemplate
def PluginGenerator o req=configMapRef
  configMapRef o req=name
    name s
  input o
    parameters m:any pu
  requeueAfterSeconds i
  template @ApplicationSetTemplate
  values m:s
def PullRequestGenerator o
  azuredevops o req=organization,project,repo
    api s
    labels a:s
    organization s
    project s
    repo s
    tokenRef @SecretRef
  bitbucket o req=owner,repo
    api s
    basicAuth @BasicAuth
    bearerToken @BearerToken
    owner s
    repo s
  bitbucketServer o req=api,project,repo
    api s
    basicAuth @BasicAuth
    bearerToken @BearerToken
    caRef @ConfigMapKeyRef
    insecure b
    project s
    repo s
  continueOnRepoNotFoundError b
  filters a:o
    branchMatch s
    targetBranchMatch s
    titleMatch s
  gitea o req=api,owner,repo
    api s
    insecure b
    labels a:s
    owner s
    repo s
    tokenRef @SecretRef
  github o req=owner,repo
    api s
    appSecretName s
    labels a:s
    owner s
    repo s
    tokenRef @SecretRef
  gitlab o req=project
    api s
    caRef @ConfigMapKeyRef
    insecure b
    labels a:s
    project s
    pullRequestState s
    tokenRef @SecretRef
  requeueAfterSeconds i
  template @ApplicationSetTemplate
  values m:s
def SCMProviderGenerator o
  awsCodeCommit o
    allBranches b
    region s
    role s
    tagFilters a:o req=key
      key s
      value s
  azureDevOps o req=accessTokenRef,organization,teamProject
    accessTokenRef @SecretRef
    allBranches b
    api s
    organization s
    teamProject s
  bitbucket o req=appPasswordRef,owner,user
    allBranches b
    appPasswordRef @SecretRef
    owner s
    user s
  bitbucketServer o req=api,project
    allBranches b
    api s
    basicAuth @BasicAuth
    bearerToken @BearerToken
    caRef @ConfigMapKeyRef
    insecure b
    project s
  cloneProtocol s
  filters a:o
    branchMatch s
    labelMatch s
    pathsDoNotExist a:s
    pathsExist a:s
    repositoryMatch s
  gitea o req=api,owner
    allBranches b
    api s
    excludeArchivedRepos b
    insecure b
    owner s
    tokenRef @SecretRef
  github o req=organization
    allBranches b
    api s
    appSecretName s
    excludeArchivedRepos b
    organization s
    tokenRef @SecretRef
  gitlab o req=group
    allBranches b
    api s
    caRef @ConfigMapKeyRef
    group s
    includeArchivedRepos b
    includeSharedProjects b
    includeSubgroups b
    insecure b
    tokenRef @SecretRef
    topic s
  requeueAfterSeconds i
  template @ApplicationSetTemplate
  values m:s
def ApplicationSetNestedGenerator o
  clusterDecisionResource @ClusterDecisionResourceGenerator
  clusters @ClusterGenerator
  git @GitGenerator
  list @ListGenerator
  matrix any pu
  merge any pu
  plugin @PluginGenerator
  pullRequest @PullRequestGenerator
  scmProvider @SCMProviderGenerator
  selector @LabelSelector
def ApplicationSetGenerator o
  clusterDecisionResource @ClusterDecisionResourceGenerator
  clusters @ClusterGenerator
  git @GitGenerator
  list @ListGenerator
  matrix o req=generators
    generators a:@ApplicationSetNestedGenerator
    template @ApplicationSetTemplate
  merge o req=generators,mergeKeys
    generators a:@ApplicationSetNestedGenerator
    mergeKeys a:s
    template @ApplicationSetTemplate
  plugin @PluginGenerator
  pullRequest @PullRequestGenerator
  scmProvider @SCMProviderGenerator
  selector @LabelSelector
toprequired spec
top spec o req=generators,template
  applyNestedSelectors b
  generators a:@ApplicationSetGenerator
  goTemplate b
  goTemplateOptions a:s
  ignoreApplicationDifferences a:o
    jqPathExpressions a:s
    jsonPointers a:s
    name s
  preservedFields o
    annotations a:s
    labels a:s
  strategy o
    deletionOrder s
    rollingSync o
      steps a:o
        matchExpressions a:o
          key s
          operator s
          values a:s
        maxUpdate ios
    type s
  syncPolicy o
    applicationsSync s e=create-only|create-update|create-delete|sync
    preserveResourcesOnDeletion b
  template @ApplicationSetTemplate
  templatePatch s
