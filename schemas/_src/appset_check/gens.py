from model import *
def cdr(): return O({'configMapRef': S(), 'labelSelector': label_selector(), 'name': S(), 'requeueAfterSeconds': I64(), 'template': template(), 'values': M(S())}, ['configMapRef'])
def clusters_prefix(): return {'flatList': B(), 'selector': label_selector()}
def clusters(): return O({'flatList': B(), 'selector': label_selector(), 'template': template(), 'values': M(S())})
def path_item(): return O({'exclude': B(), 'path': S()}, ['path'])
def git_prefix(): return {'directories': A(path_item()), 'files': A(path_item()), 'pathParamPrefix': S(), 'repoURL': S(), 'requeueAfterSeconds': I64(), 'revision': S()}
def git(): 
    p = git_prefix(); p['template'] = template(); p['values'] = M(S())
    return O(p, ['repoURL', 'revision'])
def list_prefix(): return {'elements': A({'x-kubernetes-preserve-unknown-fields': True}), 'elementsYaml': S()}
def lst(): 
    p = list_prefix(); p['template'] = template(); return O(p)
PUX = lambda: {'x-kubernetes-preserve-unknown-fields': True}
def plugin_prefix(): return {'configMapRef': O({'name': S()}, ['name']), 'input': O({'parameters': M(PUX())}), 'requeueAfterSeconds': I64()}
def plugin():
    p = plugin_prefix(); p['template'] = template(); p['values'] = M(S()); return O(p, ['configMapRef'])
def secref(): return O({'key': S(), 'secretName': S()}, ['key', 'secretName'])
def caref(): return O({'configMapName': S(), 'key': S()}, ['configMapName', 'key'])
def basic_auth(): return O({'passwordRef': secref(), 'username': S()}, ['passwordRef', 'username'])
def bearer(): return O({'tokenRef': secref()}, ['tokenRef'])
def pr_prefix(): return {
  'azuredevops': O({'api': S(), 'labels': A(S()), 'organization': S(), 'project': S(), 'repo': S(), 'tokenRef': secref()}, ['organization', 'project', 'repo']),
  'bitbucket': O({'api': S(), 'basicAuth': basic_auth(), 'bearerToken': bearer(), 'owner': S(), 'repo': S()}, ['owner', 'repo']),
  'bitbucketServer': O({'api': S(), 'basicAuth': basic_auth(), 'bearerToken': bearer(), 'caRef': caref(), 'insecure': B(), 'project': S(), 'repo': S()}, ['api', 'project', 'repo']),
  'continueOnRepoNotFoundError': B(),
  'filters': A(O({'branchMatch': S(), 'targetBranchMatch': S(), 'titleMatch': S()})),
  'gitea': O({'api': S(), 'insecure': B(), 'labels': A(S()), 'owner': S(), 'repo': S(), 'tokenRef': secref()}, ['api', 'owner', 'repo']),
  'github': O({'api': S(), 'appSecretName': S(), 'labels': A(S()), 'owner': S(), 'repo': S(), 'tokenRef': secref()}, ['owner', 'repo']),
  'gitlab': O({'api': S(), 'caRef': caref(), 'insecure': B(), 'labels': A(S()), 'project': S(), 'pullRequestState': S(), 'tokenRef': secref()}, ['project']),
  'requeueAfterSeconds': I64()}
def pull_request():
    p = pr_prefix(); p['template'] = template(); p['values'] = M(S()); return O(p)
def scm_prefix(): return {
  'awsCodeCommit': O({'allBranches': B(), 'region': S(), 'role': S(), 'tagFilters': A(O({'key': S(), 'value': S()}, ['key']))}),
  'azureDevOps': O({'accessTokenRef': secref(), 'allBranches': B(), 'api': S(), 'organization': S(), 'teamProject': S()}, ['accessTokenRef', 'organization', 'teamProject']),
  'bitbucket': O({'allBranches': B(), 'appPasswordRef': secref(), 'owner': S(), 'user': S()}, ['appPasswordRef', 'owner', 'user']),
  'bitbucketServer': O({'allBranches': B(), 'api': S(), 'basicAuth': basic_auth(), 'bearerToken': bearer(), 'caRef': caref(), 'insecure': B(), 'project': S()}, ['api', 'project']),
  'cloneProtocol': S(),
  'filters': A(O({'branchMatch': S(), 'labelMatch': S(), 'pathsDoNotExist': A(S()), 'pathsExist': A(S()), 'repositoryMatch': S()})),
  'gitea': O({'allBranches': B(), 'api': S(), 'excludeArchivedRepos': B(), 'insecure': B(), 'owner': S(), 'tokenRef': secref()}, ['api', 'owner']),
  'github': O({'allBranches': B(), 'api': S(), 'appSecretName': S(), 'excludeArchivedRepos': B(), 'organization': S(), 'tokenRef': secref()}, ['organization']),
  'gitlab': O({'allBranches': B(), 'api': S(), 'caRef': caref(), 'group': S(), 'includeArchivedRepos': B(), 'includeSharedProjects': B(), 'includeSubgroups': B(), 'insecure': B(), 'tokenRef': secref(), 'topic': S()}, ['group']),
  'requeueAfterSeconds': I64()}
def scm():
    p = scm_prefix(); p['template'] = template(); p['values'] = M(S()); return O(p)
def nested_gen(): 
    return O({'clusterDecisionResource': cdr(), 'clusters': clusters(), 'git': git(), 'list': lst(), 'matrix': PUX(), 'merge': PUX(),
              'plugin': plugin(), 'pullRequest': pull_request(), 'scmProvider': scm(), 'selector': label_selector()})
def top_gen():
    return O({'clusterDecisionResource': cdr(), 'clusters': clusters(), 'git': git(), 'list': lst(),
              'matrix': O({'generators': A(nested_gen()), 'template': template()}, ['generators']),
              'merge': O({'generators': A(nested_gen()), 'mergeKeys': A(S()), 'template': template()}, ['generators', 'mergeKeys']),
              'plugin': plugin(), 'pullRequest': pull_request(), 'scmProvider': scm(), 'selector': label_selector()})
def spec_tail_prefix(): return {
  'goTemplate': B(), 'goTemplateOptions': A(S()),
  'ignoreApplicationDifferences': A(O({'jqPathExpressions': A(S()), 'jsonPointers': A(S()), 'name': S()})),
  'preservedFields': O({'annotations': A(S()), 'labels': A(S())}),
  'strategy': O({'deletionOrder': S(), 'rollingSync': O({'steps': A(O({'matchExpressions': A(O({'key': S(), 'operator': S(), 'values': A(S())})), 'maxUpdate': IOS()}))}), 'type': S()}),
  'syncPolicy': O({'applicationsSync': {'enum': ['create-only', 'create-update', 'create-delete', 'sync'], 'type': 'string'}, 'preserveResourcesOnDeletion': B()}),
  'template': template()}
