def StoreRef o
  kind s e=SecretStore|ClusterSecretStore
  name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
top spec o
  data a:o req=remoteRef,secretKey
    remoteRef o req=key
      conversionStrategy s e=Default|Unicode
      decodingStrategy s e=Auto|Base64|Base64URL|None
      key s
      metadataPolicy s e=None|Fetch
      property s
      version s
    secretKey s minL=1 maxL=253 p=^[-._a-zA-Z0-9]+$
    sourceRef o minP=1 maxP=1
      generatorRef o req=kind,name
        apiVersion s
        kind s e=ACRAccessToken|ClusterGenerator|CloudsmithAccessToken|ECRAuthorizationToken|Fake|GCRAccessToken|GithubAccessToken|QuayAccessToken|Password|SSHKey|STSSessionToken|UUID|VaultDynamicSecret|Webhook|Grafana|MFA
        name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
      storeRef @StoreRef
  dataFrom a:o
    extract o req=key
      conversionStrategy s e=Default|Unicode
      decodingStrategy s e=Auto|Base64|Base64URL|None
      key s
      metadataPolicy s e=None|Fetch
      property s
      version s
    find o
      conversionStrategy s e=Default|Unicode
      decodingStrategy s e=Auto|Base64|Base64URL|None
      name o
        regexp s
      path s
      tags m:s
    rewrite a:o minP=1 maxP=1
      merge o
        conflictPolicy s e=Ignore|Error
        into s
        priority a:s
        priorityPolicy s e=IgnoreNotFound|Strict
        strategy s e=Extract|JSON
      regexp o req=source,target
        source s
        target s
      transform o req=template
        template s
    sourceRef o minP=1 maxP=1
      generatorRef o req=kind,name
        apiVersion s
        kind s e=ACRAccessToken|ClusterGenerator|CloudsmithAccessToken|ECRAuthorizationToken|Fake|GCRAccessToken|GithubAccessToken|QuayAccessToken|Password|SSHKey|STSSessionToken|UUID|VaultDynamicSecret|Webhook|Grafana|MFA
        name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
      storeRef @StoreRef
  refreshInterval s
  refreshPolicy s e=CreatedOnce|Periodic|OnChange
  secretStoreRef @StoreRef
  target o
    creationPolicy s e=Owner|Orphan|Merge|None
    deletionPolicy s e=Delete|Merge|Retain
    immutable b
    name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
    template o
      data m:s
      engineVersion s e=v2
      mergePolicy s e=Replace|Merge
      metadata o
        annotations m:s
        finalizers a:s
        labels m:s
      templateFrom a:o
        configMap @TemplateRef
        literal s
        secret @TemplateRef
        target s e=Data|Annotations|Labels
      type s
def TemplateRef o req=items,name
  items a:o req=key
    key s minL=1 maxL=253 p=^[-._a-zA-Z0-9]+$
    templateAs s e=Values|KeysAndValues
  name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
