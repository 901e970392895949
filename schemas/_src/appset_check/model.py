# CRD-form (openAPIV3Schema, controller-gen style, no descriptions) model of the ApplicationSet CRD,
# used to predict exact byte offsets in manifests/core-install.yaml and so verify structure by probes.
import yaml, copy
S = lambda: {'type': 'string'}
B = lambda: {'type': 'boolean'}
I64 = lambda: {'format': 'int64', 'type': 'integer'}
def O(props=None, req=None, **kw):
    d = {'type': 'object'}
    if props is not None: d['properties'] = props
    if req: d['required'] = req
    d.update(kw); return d
def A(items, **kw):
    d = {'items': items, 'type': 'array'}; d.update(kw); return d
def M(v): return {'additionalProperties': v, 'type': 'object'}
IOS = lambda: {'anyOf': [{'type': 'integer'}, {'type': 'string'}], 'x-kubernetes-int-or-string': True}
PU = lambda: {'type': 'object', 'x-kubernetes-preserve-unknown-fields': True}

def label_selector():
    return O({'matchExpressions': A(O({'key': S(), 'operator': S(), 'values': A(S(), **{'x-kubernetes-list-type': 'atomic'})}, ['key', 'operator']), **{'x-kubernetes-list-type': 'atomic'}),
              'matchLabels': M(S())}, **{'x-kubernetes-map-type': 'atomic'})

def jsonnet_var(): return O({'code': B(), 'name': S(), 'value': S()}, ['name', 'value'])
def directory(): return O({'exclude': S(), 'include': S(), 'jsonnet': O({'extVars': A(jsonnet_var()), 'libs': A(S()), 'tlas': A(jsonnet_var())}), 'recurse': B()})
def helm(): return O({'apiVersions': A(S()), 'fileParameters': A(O({'name': S(), 'path': S()})), 'ignoreMissingValueFiles': B(),
    'kubeVersion': S(), 'namespace': S(), 'parameters': A(O({'forceString': B(), 'name': S(), 'value': S()})), 'passCredentials': B(),
    'releaseName': S(), 'skipCrds': B(), 'skipSchemaValidation': B(), 'skipTests': B(), 'valueFiles': A(S()), 'values': S(),
    'valuesObject': PU(), 'version': S()})
def kustomize(): return O({'apiVersions': A(S()), 'commonAnnotations': M(S()), 'commonAnnotationsEnvsubst': B(), 'commonLabels': M(S()),
    'components': A(S()), 'forceCommonAnnotations': B(), 'forceCommonLabels': B(), 'ignoreMissingComponents': B(), 'images': A(S()),
    'kubeVersion': S(), 'labelIncludeTemplates': B(), 'labelWithoutSelector': B(), 'namePrefix': S(), 'nameSuffix': S(), 'namespace': S(),
    'patches': A(O({'options': M(B()), 'patch': S(), 'path': S(), 'target': O({k: S() for k in ['annotationSelector', 'group', 'kind', 'labelSelector', 'name', 'namespace', 'version']})})),
    'replicas': A(O({'count': IOS(), 'name': S()}, ['count', 'name'])), 'version': S()})
def plugin(): return O({'env': A(O({'name': S(), 'value': S()}, ['name', 'value'])), 'name': S(),
    'parameters': A(O({'array': A(S()), 'map': M(S()), 'name': S(), 'string': S()}))})
def app_source(): return O({'chart': S(), 'directory': directory(), 'helm': helm(), 'kustomize': kustomize(), 'name': S(), 'path': S(),
    'plugin': plugin(), 'ref': S(), 'repoURL': S(), 'targetRevision': S()}, ['repoURL'])
def retry(): return O({'backoff': O({'duration': S(), 'factor': I64(), 'maxDuration': S()}), 'limit': I64(), 'refresh': B()})
def app_spec():
    return O({
        'destination': O({'name': S(), 'namespace': S(), 'server': S()}),
        'ignoreDifferences': A(O({'group': S(), 'jqPathExpressions': A(S()), 'jsonPointers': A(S()), 'kind': S(), 'managedFieldsManagers': A(S()), 'name': S(), 'namespace': S()}, ['kind'])),
        'info': A(O({'name': S(), 'value': S()}, ['name', 'value'])),
        'project': S(), 'revisionHistoryLimit': I64(), 'source': app_source(),
        'sourceHydrator': O({'drySource': O({'directory': directory(), 'helm': helm(), 'kustomize': kustomize(), 'path': S(), 'plugin': plugin(), 'repoURL': S(), 'targetRevision': S()}, ['path', 'repoURL', 'targetRevision']),
                             'hydrateTo': O({'targetBranch': S()}, ['targetBranch']),
                             'syncSource': O({'path': {'minLength': 1, 'pattern': '^.{2,}|[^./]$', 'type': 'string'}, 'targetBranch': S()}, ['path', 'targetBranch'])}, ['drySource', 'syncSource']),
        'sources': A(app_source()),
        'syncPolicy': O({'automated': O({'allowEmpty': B(), 'enabled': B(), 'prune': B(), 'selfHeal': B()}),
                         'managedNamespaceMetadata': O({'annotations': M(S()), 'labels': M(S())}),
                         'retry': retry(), 'syncOptions': A(S())}),
    }, ['destination', 'project'])
def template():
    return O({'metadata': O({'annotations': M(S()), 'finalizers': A(S()), 'labels': M(S()), 'name': S(), 'namespace': S()}),
              'spec': app_spec()}, ['metadata', 'spec'])

def dump(node, indent):
    txt = yaml.dump(node, sort_keys=True, default_flow_style=False, width=10**9, allow_unicode=True)
    pad = ' ' * indent
    return ''.join(pad + l + '\n' for l in txt.splitlines())
