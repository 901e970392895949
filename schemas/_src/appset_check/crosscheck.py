# Cross-check: the ApplicationSet schema built from dsl/ must equal the CRD model in gens.py (whose rendering
# was matched byte-for-byte against the upstream file at many offsets).
# Usage: python schemas/_src/appset_check/crosscheck.py schemas/argoproj.io/v1alpha1/applicationset.json
import json, os, sys, copy
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gens import *
def crd_to_js(n):
    if isinstance(n, dict):
        out = {}
        for k, v in n.items():
            if k in ('format', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-int-or-string', 'description', 'default', 'x-kubernetes-list-map-keys', 'x-kubernetes-validations'):
                continue
            if k == 'properties': out[k] = {pk: crd_to_js(pv) for pk, pv in v.items()}
            else: out[k] = crd_to_js(v)
        if out.get('type') == 'object' and not out.get('x-kubernetes-preserve-unknown-fields') and 'additionalProperties' not in out:
            out['additionalProperties'] = False
        return out
    if isinstance(n, list): return [crd_to_js(x) for x in n]
    return n
def expand(n, defs):
    if isinstance(n, dict):
        if '$ref' in n:
            return expand(defs[n['$ref'].split('/')[-1]], defs)
        return {k: (expand(v, defs) if k != 'format' else None) for k, v in n.items() if k != 'format'}
    if isinstance(n, list): return [expand(x, defs) for x in n]
    return n
spec = {'generators': A(top_gen())}; spec.update(spec_tail_prefix()); spec['applyNestedSelectors'] = B(); spec['templatePatch'] = S()
model = crd_to_js(O(spec, ['generators', 'template']))
s = json.load(open(sys.argv[1]))
mine = expand(s['properties']['spec'], s.get('$defs', {}))
a = json.dumps(model, sort_keys=True); b = json.dumps(mine, sort_keys=True)
print('EQUAL' if a == b else 'DIFF', len(a), len(b))
if a != b:
    import difflib
    for l in list(difflib.unified_diff(json.dumps(model, sort_keys=True, indent=1).splitlines(), json.dumps(mine, sort_keys=True, indent=1).splitlines(), lineterm=''))[:60]: print(l)
