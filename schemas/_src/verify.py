"""Check every schema file (draft 2020-12 metaschema, allowed keywords, strictness, canonical formatting)
and validate the example manifests in examples/ (each must pass; a copy with one misspelled field must fail
with an additionalProperties error).  Needs PyYAML and jsonschema 4.x:  python schemas/_src/verify.py
"""
import json, glob, os, sys, copy, yaml
from jsonschema import Draft202012Validator
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ALLOWED = {'type', 'properties', 'additionalProperties', 'required', 'items', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', 'not',
           'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems',
           'minProperties', 'maxProperties', 'uniqueItems', 'format', 'description', 'title', 'default', '$schema', '$defs', '$ref'}
def scan(node, path, bad, refs):
    if isinstance(node, bool): return
    if not isinstance(node, dict):
        bad.append((path, 'schema node is not an object')); return
    for k, v in node.items():
        if k not in ALLOWED and not k.startswith('x-kubernetes-'):
            bad.append((path, k))
        if k in ('properties', '$defs'):
            for name, sub in v.items(): scan(sub, f'{path}/{k}/{name}', bad, refs)
        elif k in ('additionalProperties', 'items', 'not'):
            scan(v, f'{path}/{k}', bad, refs)
        elif k in ('oneOf', 'anyOf', 'allOf'):
            for i, sub in enumerate(v): scan(sub, f'{path}/{k}/{i}', bad, refs)
        elif k == '$ref':
            if not v.startswith('#/$defs/'): bad.append((path, 'external $ref ' + v))
            refs.append(v)
        elif k == 'type':
            ok = isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
            if not ok: bad.append((path, 'bad type'))
        elif k == 'required':
            if not (isinstance(v, list) and all(isinstance(x, str) for x in v)): bad.append((path, 'bad required'))
    # strictness: every object node with properties must close additionalProperties unless preserve-unknown-fields
    if 'properties' in node and not node.get('x-kubernetes-preserve-unknown-fields') and 'additionalProperties' not in node:
        bad.append((path, 'object with properties but no additionalProperties'))
files = sorted(glob.glob(os.path.join(ROOT, '*', '*', '*.json')))
ok = True
print('== 1+2: load, check_schema, keyword/strictness scan, format')
for f in files:
    raw = open(f).read()
    s = json.loads(raw)
    Draft202012Validator.check_schema(s)
    canon = json.dumps(s, indent=2, sort_keys=True) + '\n'
    bad, refs = [], []
    scan(s, '#', bad, refs)
    for r in set(refs):
        if r.split('/')[-1] not in s.get('$defs', {}): bad.append(('#', 'dangling ' + r))
    top = s['properties']
    if s.get('additionalProperties') is not False or top['metadata'] != {'type': 'object'} or 'status' in top: bad.append(('#', 'top-level contract'))
    g, v, k = os.path.relpath(f, ROOT).split('/')
    if top['apiVersion'] != {'type': 'string', 'enum': [f'{g}/{v}']} or top['kind']['enum'][0].lower() + '.json' != k: bad.append(('#', 'apiVersion/kind'))
    status = 'ok' if (not bad and raw == canon) else 'FAIL'
    ok &= status == 'ok'
    print(f'{status:4} {os.path.relpath(f, ROOT):55} {os.path.getsize(f):7d} bytes  refs={len(set(refs))} defs={len(s.get("$defs", {}))}', bad[:5] if bad else '', '' if raw == canon else 'NOT-CANONICAL')
print('== 3: example manifests')
TYPO = {  # kind -> (path to parent, key, typo)
  'Application': (['spec'], 'destination', 'destnation'),
  'AppProject': (['spec'], 'sourceRepos', 'sourceRepo'),
  'ApplicationSet': (['spec', 'template', 'spec'], 'destination', 'destnation'),
  'ExternalSecret': (['spec'], 'secretStoreRef', 'secretStorRef'),
  'ClusterSecretStore': (['spec', 'provider', 'vault', 'auth', 'kubernetes'], 'role', 'rol'),
  'SecretStore': (['spec', 'provider', 'aws'], 'region', 'regoin'),
  'Certificate': (['spec'], 'dnsNames', 'dnsName'),
  'ClusterIssuer': (['spec', 'acme'], 'privateKeySecretRef', 'privateKeySecret'),
  'Issuer': (['spec', 'ca'], 'secretName', 'secretname'),
  'ServiceMonitor': (['spec', 'endpoints', 0], 'interval', 'intervall'),
  'PodMonitor': (['spec'], 'podMetricsEndpoints', 'podMetricEndpoints'),
  'PrometheusRule': (['spec', 'groups', 0, 'rules', 0], 'for', 'fro'),
}
for ex in sorted(glob.glob(os.path.join(HERE, 'examples', '*.yaml'))):
    doc = yaml.safe_load(open(ex))
    g, v = doc['apiVersion'].split('/')
    s = json.load(open(f'{ROOT}/{g}/{v}/{doc["kind"].lower()}.json'))
    val = Draft202012Validator(s)
    errs = list(val.iter_errors(doc))
    good = not errs
    bad_doc = copy.deepcopy(doc)
    path, key, typo = TYPO[doc['kind']]
    node = bad_doc
    for p in path: node = node[p]
    node[typo] = node.pop(key)
    berrs = list(val.iter_errors(bad_doc))
    ap = [e for e in berrs if e.validator == 'additionalProperties' and typo in e.message]
    ok &= good and bool(ap)
    print(f'{doc["kind"]:19} valid-example: {"PASS" if good else "FAIL " + str([e.message for e in errs][:3])}')
    print(f'{"":19} typo {".".join(map(str, path))}.{typo}: ' + ('rejected -> ' + ap[0].validator + ': ' + ap[0].message + ' at ' + '/'.join(map(str, ap[0].absolute_path)) if ap else 'NOT REJECTED by additionalProperties ' + str([e.message for e in berrs][:3])))
print('ALL OK' if ok else 'SOME FAILURES')
sys.exit(0 if ok else 1)
