"""Regenerate schemas/<group>/<version>/<kind>.json from the DSL transcriptions in dsl/.

    python schemas/_src/build.py [Kind ...]

Each DSL file is a compact, description-free transcription of the upstream CRD's openAPIV3Schema
(see dslc.py for the syntax and ../README.md for the upstream source of each kind).
"""
import json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dslc
from dslc import make

D = os.path.join(HERE, 'dsl')
OUT = os.path.dirname(HERE)
# kind -> (group, version, DSL files concatenated in order)
KINDS = {
    'Application': ('argoproj.io', 'v1alpha1', ['argo_common', 'application']),
    'AppProject': ('argoproj.io', 'v1alpha1', ['appproject']),
    'ApplicationSet': ('argoproj.io', 'v1alpha1', ['k8s_common', 'argo_common', 'applicationset']),
    'ExternalSecret': ('external-secrets.io', 'v1', ['externalsecret']),
    'SecretStore': ('external-secrets.io', 'v1', ['k8s_common', 'storespec']),
    'ClusterSecretStore': ('external-secrets.io', 'v1', ['k8s_common', 'storespec']),
    'Certificate': ('cert-manager.io', 'v1', ['certificate']),
    'Issuer': ('cert-manager.io', 'v1', ['k8s_common', 'issuerspec']),
    'ClusterIssuer': ('cert-manager.io', 'v1', ['k8s_common', 'issuerspec']),
    'ServiceMonitor': ('monitoring.coreos.com', 'v1', ['k8s_common', 'prom_common', 'servicemonitor']),
    'PodMonitor': ('monitoring.coreos.com', 'v1', ['k8s_common', 'prom_common', 'podmonitor']),
    'PrometheusRule': ('monitoring.coreos.com', 'v1', ['prometheusrule']),
}


def prune_defs(schema):
    """Drop $defs that the schema does not reach (the common DSL files define more than each kind uses)."""
    defs = schema.get('$defs', {})
    used, todo = set(), [schema['properties']]
    while todo:
        for r in re.findall(r'#/\$defs/([A-Za-z0-9_]+)', json.dumps(todo.pop())):
            if r not in used:
                used.add(r)
                todo.append(defs[r])
    for k in list(defs):
        if k not in used:
            del defs[k]
    if not defs:
        schema.pop('$defs', None)


def main(only):
    for kind, (g, v, files) in KINDS.items():
        if only and kind not in only:
            continue
        text = '\n'.join(open(os.path.join(D, f + '.dsl')).read() for f in files)
        dslc.RELAXED.clear()
        s = make(g, v, kind, text)
        prune_defs(s)
        p = os.path.join(OUT, g, v, kind.lower() + '.json')
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as fh:
            fh.write(json.dumps(s, indent=2, sort_keys=True) + '\n')
        relaxed = sorted(set(dslc.RELAXED))
        print(f'{os.path.relpath(p, OUT):50} {os.path.getsize(p):7d} bytes' + (f'  (required-with-default relaxed: {relaxed})' if relaxed else ''))


if __name__ == '__main__':
    main(sys.argv[1:])
