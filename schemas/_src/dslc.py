"""Compile the compact schema DSL (a description-free transcription of an upstream CRD's
openAPIV3Schema) into the JSON Schema format of ../README.md.

Line: INDENT NAME TYPE [ATTR...]   (parent = nearest previous line with a smaller indent; '#' starts a comment)
  def NAME TYPE ...   at indent 0 -> a $defs entry (referenced as @NAME)
  top NAME TYPE ...   at indent 0 -> a top-level property (spec, operation, ...)
  toprequired a,b     -> extra top-level required names (apiVersion, kind, metadata are always required)
TYPE: s=string i=integer n=number b=boolean o=object any={} ios=int-or-string (anyOf integer|string)
      @Def ($ref)   a:TYPE (array of TYPE)   m:TYPE (map: object with additionalProperties TYPE)
      Children of an o / a:o / m:o line are the properties of that (innermost) object.
ATTR: req=a,b (required)  e=x|y or e=["json","list"] (enum)  p=REGEX (pattern, rest of the line)
      minL= maxL= min= max= xmin= xmax= (apply to the innermost scalar)  minI= maxI= uniq (outermost array)
      minP= maxP= (outermost object)  f=FORMAT  null (nullable -> adds "null" to type)
      pu (x-kubernetes-preserve-unknown-fields: true; such an object stays open)
      D  (the field has an upstream default: it is dropped from its parent's required list, because the
          API server applies defaults before it validates, so a manifest may omit it)
      oneReq=a,b|c  anyReq=a|b  c=CONST
Every object that has properties (or none at all) gets additionalProperties: false unless marked pu.
"""
import json, re, sys

def parse_type(t):
    if t.startswith('a:'):
        return ('a', parse_type(t[2:]))
    if t.startswith('m:'):
        return ('m', parse_type(t[2:]))
    return ('base', t)

def build(tp):
    """returns (outer_node, innermost_node)"""
    kind, v = tp
    if kind == 'a':
        inner_outer, inner = build(v)
        return {'type': 'array', 'items': inner_outer}, inner
    if kind == 'm':
        inner_outer, inner = build(v)
        return {'type': 'object', 'additionalProperties': inner_outer}, inner
    b = v
    if b == 's': n = {'type': 'string'}
    elif b == 'i': n = {'type': 'integer'}
    elif b == 'n': n = {'type': 'number'}
    elif b == 'b': n = {'type': 'boolean'}
    elif b == 'o': n = {'type': 'object'}
    elif b == 'any': n = {}
    elif b == 'ios': n = {'anyOf': [{'type': 'integer'}, {'type': 'string'}]}
    elif b.startswith('@'): n = {'$ref': '#/$defs/' + b[1:]}
    else: raise ValueError('bad type ' + b)
    return n, n

def num(x):
    return float(x) if '.' in x else int(x)

def add_null(n):
    if 'type' in n:
        t = n['type']
        n['type'] = [t, 'null'] if isinstance(t, str) else t + ['null']
    elif 'anyOf' in n:
        n['anyOf'].append({'type': 'null'})
    elif '$ref' in n:
        r = n.pop('$ref'); n['anyOf'] = [{'$ref': r}, {'type': 'null'}]
    else:
        pass  # {} already allows null

def compile_text(text, name='?'):
    defs, top, topreq = {}, {}, []
    stack = []  # (indent, props_dict_holder, node_innermost)
    for ln, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith('#'):
            continue
        ind = len(raw) - len(raw.lstrip(' '))
        line = raw.strip()
        try:
            if ind == 0 and line.startswith('toprequired '):
                topreq += line.split(None, 1)[1].split(','); continue
            m = re.match(r'(\S+)\s+(\S+)(?:\s+(.*))?$', line)
            if ind == 0:
                kw, rest = line.split(None, 1)
                m = re.match(r'(\S+)\s+(\S+)(?:\s+(.*))?$', rest)
            fname, tstr, attrs = m.group(1), m.group(2), m.group(3) or ''
            outer, inner = build(parse_type(tstr))
            # attributes
            arrays = []
            objs = []
            hasdefault = False
            nd = outer
            while True:
                if nd.get('type') == 'array': arrays.append(nd); nd = nd['items']
                elif nd.get('type') == 'object' and isinstance(nd.get('additionalProperties'), dict): objs.append(nd); nd = nd['additionalProperties']
                else: break
            while attrs:
                attrs = attrs.strip()
                if attrs.startswith('p='):
                    inner['pattern'] = attrs[2:]; break
                tok, _, attrs = attrs.partition(' ')
                k, eq, val = tok.partition('=')
                if k == 'e' and val.startswith('['):
                    # json list may contain spaces: take until matching ]
                    full = val + (' ' + attrs if attrs else '')
                    dec = json.JSONDecoder(); vals, end = dec.raw_decode(full)
                    inner['enum'] = vals; attrs = full[end:]; continue
                if k == 'req': inner['required'] = val.split(',')
                elif k == 'e': inner['enum'] = val.split('|') if inner.get('type') != 'integer' else [int(x) for x in val.split('|')]
                elif k == 'c': inner['const'] = val
                elif k == 'minL': inner['minLength'] = int(val)
                elif k == 'maxL': inner['maxLength'] = int(val)
                elif k == 'min': inner['minimum'] = num(val)
                elif k == 'max': inner['maximum'] = num(val)
                elif k == 'xmin': inner['exclusiveMinimum'] = num(val)
                elif k == 'xmax': inner['exclusiveMaximum'] = num(val)
                elif k == 'f': inner['format'] = val
                elif k in ('minI', 'maxI', 'uniq'):
                    tgt = arrays[0]
                    if k == 'uniq': tgt['uniqueItems'] = True
                    else: tgt['minItems' if k == 'minI' else 'maxItems'] = int(val)
                elif k in ('minP', 'maxP'):
                    tgt = objs[0] if objs else inner
                    tgt['minProperties' if k == 'minP' else 'maxProperties'] = int(val)
                elif k == 'ominP': inner['minProperties'] = int(val)
                elif k == 'omaxP': inner['maxProperties'] = int(val)
                elif k == 'null': add_null(outer)
                elif k == 'pu': inner['x-kubernetes-preserve-unknown-fields'] = True
                elif k == 'D': hasdefault = True
                elif k == 'oneReq': inner['oneOf'] = [{'required': g.split(',')} for g in val.split('|')]
                elif k == 'anyReq': inner['anyOf'] = [{'required': g.split(',')} for g in val.split('|')]
                else: raise ValueError('bad attr ' + tok)
            # attach
            while stack and stack[-1][0] >= ind:
                stack.pop()
            if ind == 0:
                if kw == 'def': defs[fname] = outer
                elif kw == 'top': top[fname] = outer
                else: raise ValueError('bad top keyword ' + kw)
            else:
                if not stack: raise ValueError('orphan line')
                parent = stack[-1][1]
                if parent.get('type') != 'object':
                    raise ValueError('parent is not object')
                props = parent.setdefault('properties', {})
                if fname in props: raise ValueError('duplicate field ' + fname)
                props[fname] = outer
                if hasdefault:
                    parent.setdefault('_defaulted', []).append(fname)
            stack.append((ind, inner))
        except Exception as e:
            raise SystemExit(f'{name}:{ln}: {e}: {raw!r}')
    return defs, top, topreq

RELAXED = []
def finalize(node):
    if isinstance(node, dict):
        if '_defaulted' in node:
            d = node.pop('_defaulted')
            if 'required' in node:
                RELAXED.extend(x for x in d if x in node['required'])
                node['required'] = [x for x in node['required'] if x not in d]
                if not node['required']: del node['required']
        if node.get('type') in ('object', ['object', 'null']) and not node.get('x-kubernetes-preserve-unknown-fields') and 'additionalProperties' not in node:
            # an object with properties, or an empty object (structural schema: unknown fields are pruned/rejected)
            node['additionalProperties'] = False
        for k, v in list(node.items()):
            if k == 'properties':
                for pv in v.values(): finalize(pv)
            elif k == '$defs':
                for pv in v.values(): finalize(pv)
            elif isinstance(v, (dict, list)):
                finalize(v)
    elif isinstance(node, list):
        for x in node: finalize(x)

def make(group, version, kind, dsltext, required=('spec',)):
    defs, top, topreq = compile_text(dsltext, kind)
    props = {'apiVersion': {'type': 'string', 'enum': [f'{group}/{version}']},
             'kind': {'type': 'string', 'enum': [kind]}}
    props.update(top)
    schema = {'$schema': 'https://json-schema.org/draft/2020-12/schema',
              'title': f'{kind} ({group}/{version})',
              'type': 'object', 'additionalProperties': False,
              'required': ['apiVersion', 'kind', 'metadata'] + list(topreq),
              'properties': props}
    if defs: schema['$defs'] = defs
    finalize(schema)
    props['metadata'] = {'type': 'object'}
    return schema

if __name__ == '__main__':
    d, t, r = compile_text(open(sys.argv[1]).read(), sys.argv[1])
    print(json.dumps({'defs': d, 'top': t, 'req': r}, indent=1)[:3000])
