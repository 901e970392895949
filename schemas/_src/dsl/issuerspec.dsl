def SecretKeySelector o req=name
  key s
  name s
toprequired spec
top spec o
  acme o req=privateKeySecretRef,server
    caBundle s f=byte
    disableAccountKeyGeneration b
    email s
    enableDurationFeature b
    externalAccountBinding o req=keyID,keySecretRef
      keyAlgorithm s e=HS256|HS384|HS512
      keyID s
      keySecretRef @SecretKeySelector
    preferredChain s maxL=64
    privateKeySecretRef @SecretKeySelector
    profile s
    server s
    skipTLSVerify b
    solvers a:o
      dns01 o
        acmeDNS o req=accountSecretRef,host
          accountSecretRef @SecretKeySelector
          host s
        akamai o req=accessTokenSecretRef,clientSecretSecretRef,clientTokenSecretRef,serviceConsumerDomain
          accessTokenSecretRef @SecretKeySelector
          clientSecretSecretRef @SecretKeySelector
          clientTokenSecretRef @SecretKeySelector
          serviceConsumerDomain s
        azureDNS o req=resourceGroupName,subscriptionID
          clientID s
          clientSecretSecretRef @SecretKeySelector
          environment s e=AzurePublicCloud|AzureChinaCloud|AzureGermanCloud|AzureUSGovernmentCloud
          hostedZoneName s
          managedIdentity o
            clientID s
            resourceID s
            tenantID s
          resourceGroupName s
          subscriptionID s
          tenantID s
        cloudDNS o req=project
          hostedZoneName s
          project s
          serviceAccountSecretRef @SecretKeySelector
        cloudflare o
          apiKeySecretRef @SecretKeySelector
          apiTokenSecretRef @SecretKeySelector
          email s
        cnameStrategy s e=None|Follow
        digitalocean o req=tokenSecretRef
          tokenSecretRef @SecretKeySelector
        rfc2136 o req=nameserver
          nameserver s
          protocol s e=TCP|UDP
          tsigAlgorithm s
          tsigKeyName s
          tsigSecretSecretRef @SecretKeySelector
        route53 o
          accessKeyID s
          accessKeyIDSecretRef @SecretKeySelector
          auth o req=kubernetes
            kubernetes o req=serviceAccountRef
              serviceAccountRef o req=name
                audiences a:s
                name s
          hostedZoneID s
          region s
          role s
          secretAccessKeySecretRef @SecretKeySelector
        webhook o req=groupName,solverName
          config any pu
          groupName s
          solverName s
      http01 o
        gatewayHTTPRoute o
          labels m:s
          parentRefs a:o req=name
            group s maxL=253 p=^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
            kind s minL=1 maxL=63 p=^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$
            name s minL=1 maxL=253
            namespace s minL=1 maxL=63 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
            port i min=1 max=65535
            sectionName s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
          podTemplate @PodTemplate
          serviceType s
        ingress o
          class s
          ingressClassName s
          ingressTemplate o
            metadata o
              annotations m:s
              labels m:s
          name s
          podTemplate @PodTemplate
          serviceType s
      selector o
        dnsNames a:s
        dnsZones a:s
        matchLabels m:s
  ca o req=secretName
    crlDistributionPoints a:s
    issuingCertificateURLs a:s
    ocspServers a:s
    secretName s
  selfSigned o
    crlDistributionPoints a:s
  vault o req=auth,path,server
    auth o
      appRole o req=path,roleId,secretRef
        path s
        roleId s
        secretRef @SecretKeySelector
      clientCertificate o
        mountPath s
        name s
        secretName s
      kubernetes o req=role
        mountPath s
        role s
        secretRef @SecretKeySelector
        serviceAccountRef o req=name
          audiences a:s
          name s
      tokenSecretRef @SecretKeySelector
    caBundle s f=byte
    caBundleSecretRef @SecretKeySelector
    clientCertSecretRef @SecretKeySelector
    clientKeySecretRef @SecretKeySelector
    namespace s
    path s
    server s
    serverName s
  venafi o req=zone
    cloud o req=apiTokenSecretRef
      apiTokenSecretRef @SecretKeySelector
      url s
    tpp o req=credentialsRef,url
      caBundle s f=byte
      caBundleSecretRef @SecretKeySelector
      credentialsRef o req=name
        name s
      url s
    zone s
# END-SPEC
def PodTemplate o
  metadata o
    annotations m:s
    labels m:s
  spec o
    affinity o
      nodeAffinity o
        preferredDuringSchedulingIgnoredDuringExecution a:o req=preference,weight
          preference @NodeSelectorTerm
          weight i
        requiredDuringSchedulingIgnoredDuringExecution o req=nodeSelectorTerms
          nodeSelectorTerms a:@NodeSelectorTerm
      podAffinity @PodAffinity
      podAntiAffinity @PodAffinity
    imagePullSecrets a:o
      name s
    nodeSelector m:s
    priorityClassName s
    resources o
      limits m:ios p=^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$
      requests m:ios p=^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$
    securityContext o
      fsGroup i
      fsGroupChangePolicy s
      runAsGroup i
      runAsNonRoot b
      runAsUser i
      seLinuxOptions o
        level s
        role s
        type s
        user s
      seccompProfile o req=type
        localhostProfile s
        type s
      supplementalGroups a:i
      sysctls a:o req=name,value
        name s
        value s
    serviceAccountName s
    tolerations a:o
      effect s
      key s
      operator s
      tolerationSeconds i
      value s
# END-PT
def PodAffinity o
  preferredDuringSchedulingIgnoredDuringExecution a:o req=podAffinityTerm,weight
    podAffinityTerm @PodAffinityTerm
    weight i
  requiredDuringSchedulingIgnoredDuringExecution a:@PodAffinityTerm
def PodAffinityTerm o req=topologyKey
  labelSelector @LabelSelector
  matchLabelKeys a:s
  mismatchLabelKeys a:s
  namespaceSelector @LabelSelector
  namespaces a:s
  topologyKey s
def NodeSelectorTerm o
  matchExpressions a:@NodeSelectorRequirement
  matchFields a:@NodeSelectorRequirement
def NodeSelectorRequirement o req=key,operator
  key s
  operator s
  values a:s
