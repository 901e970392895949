def SecretKeySelector o req=key
  key s
  name s
  optional b
def Duration s p=^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$
def SafeAuthorization o
  credentials @SecretKeySelector
  type s
def BasicAuth o
  password @SecretKeySelector
  username @SecretKeySelector
def RelabelConfig o
  action s e=replace|Replace|keep|Keep|drop|Drop|hashmod|HashMod|labelmap|LabelMap|labeldrop|LabelDrop|labelkeep|LabelKeep|lowercase|Lowercase|uppercase|Uppercase|keepequal|KeepEqual|dropequal|DropEqual
  modulus i
  regex s
  replacement s
  separator s
  sourceLabels a:s
  targetLabel s
def ConfigMapKeySelector o req=key
  key s
  name s
  optional b
def SecretOrConfigMap o
  configMap @ConfigMapKeySelector
  secret @SecretKeySelector
def SafeTLSConfig o
  ca @SecretOrConfigMap
  cert @SecretOrConfigMap
  insecureSkipVerify b
  keySecret @SecretKeySelector
  maxVersion s e=TLS10|TLS11|TLS12|TLS13
  minVersion s e=TLS10|TLS11|TLS12|TLS13
  serverName s
