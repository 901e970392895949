def ClusterResourceRestrictionItem o req=group,kind
  group s
  kind s
  name s
def GroupKind o req=group,kind
  group s
  kind s
toprequired spec
top spec o
  clusterResourceBlacklist a:@ClusterResourceRestrictionItem
  clusterResourceWhitelist a:@ClusterResourceRestrictionItem
  description s maxL=255
  destinationServiceAccounts a:o req=defaultServiceAccount,server
    defaultServiceAccount s
    namespace s
    server s
  destinations a:o
    name s
    namespace s
    server s
  namespaceResourceBlacklist a:@GroupKind
  namespaceResourceWhitelist a:@GroupKind
  orphanedResources o
    ignore a:o
      group s
      kind s
      name s
    warn b
  permitOnlyProjectScopedClusters b
  roles a:o req=name
    description s
    groups a:s
    jwtTokens a:o req=iat
      exp i
      iat i
      id s
    name s
    policies a:s
  signatureKeys a:o req=keyID
    keyID s
  sourceNamespaces a:s
  sourceRepos a:s
  syncWindows a:o
    andOperator b
    applications a:s
    clusters a:s
    description s
    duration s
    kind s
    manualSync b
    namespaces a:s
    schedule s
    syncOverrun b
    timeZone s
