toprequired spec
top spec o req=endpoints,selector
  attachMetadata o
    node b
  bodySizeLimit s p=(^0|([0-9]*[.])?[0-9]+((K|M|G|T|E|P)i?)?B)$
  convertClassicHistogramsToNHCB b
  endpoints a:o
    authorization @SafeAuthorization
    basicAuth @BasicAuth
    bearerTokenFile s
    bearerTokenSecret @SecretKeySelector
    enableHttp2 b
    filterRunning b
    followRedirects b
    honorLabels b
    honorTimestamps b
    interval @Duration
    metricRelabelings a:@RelabelConfig
    noProxy s
    oauth2 @OAuth2
    params m:a:s
    path s
    port s
    proxyConnectHeader m:a:@SecretKeySelector
    proxyFromEnvironment b
    proxyUrl s p=^(http|https|socks5)://.+$
    relabelings a:@RelabelConfig
    scheme s e=http|https|HTTP|HTTPS
    scrapeTimeout @Duration
    targetPort ios
    tlsConfig o
      ca @SecretOrConfigMap
      caFile s
      cert @SecretOrConfigMap
      certFile s
      insecureSkipVerify b
      keyFile s
      keySecret @SecretKeySelector
      maxVersion s e=TLS10|TLS11|TLS12|TLS13
      minVersion s e=TLS10|TLS11|TLS12|TLS13
      serverName s
    trackTimestampsStaleness b
  fallbackScrapeProtocol s e=PrometheusProto|OpenMetricsText0.0.1|OpenMetricsText1.0.0|PrometheusText0.0.4|PrometheusText1.0.0
  jobLabel s
  keepDroppedTargets i
  labelLimit i
  labelNameLengthLimit i
  labelValueLengthLimit i
  namespaceSelector o
    any b
    matchNames a:s
  nativeHistogramBucketLimit i
  nativeHistogramMinBucketFactor ios p=^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$
  podTargetLabels a:s
  sampleLimit i
  scrapeClass s minL=1
  scrapeClassicHistograms b
  scrapeProtocols a:s uniq e=PrometheusProto|OpenMetricsText0.0.1|OpenMetricsText1.0.0|PrometheusText0.0.4|PrometheusText1.0.0
  selector @LabelSelector
  selectorMechanism s e=RelabelConfig|RoleSelector
  serviceDiscoveryRole s e=Endpoints|EndpointSlice
  targetLabels a:s
  targetLimit i
def OAuth2 o req=clientId,clientSecret,tokenUrl
  clientId @SecretOrConfigMap
  clientSecret @SecretKeySelector
  endpointParams m:s
  noProxy s
  proxyConnectHeader m:a:@SecretKeySelector
  proxyFromEnvironment b
  proxyUrl s p=^(http|https|socks5)://.+$
  scopes a:s
  tlsConfig @SafeTLSConfig
  tokenUrl s minL=1
