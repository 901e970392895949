toprequired spec
top spec o req=selector
  attachMetadata o
    node b
  bodySizeLimit s p=(^0|([0-9]*[.])?[0-9]+((K|M|G|T|E|P)i?)?B)$
  convertClassicHistogramsToNHCB b
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
  podMetricsEndpoints a:o
    authorization @SafeAuthorization
    basicAuth @BasicAuth
    bearerTokenSecret @SecretKeySelector
    enableHttp2 b
    filterRunning b
    followRedirects b
    honorLabels b
    honorTimestamps b
    interval @Duration
    metricRelabelings a:@RelabelConfig
    noProxy s
    oauth2 o req=clientId,tokenUrl
      audience s minL=1
      claims m:s
      clientCertificateKey @SecretKeySelector
      clientCertificateKeyId s minL=1
      clientId @SecretOrConfigMap
      clientSecret @SecretKeySelector
      endpointParams m:s
      grantType s minL=1 e=ClientCredentials|JWTBearer
      issuer s minL=1
      noProxy s
      proxyConnectHeader m:a:@SecretKeySelector
      proxyFromEnvironment b
      proxyUrl s p=^(http|https|socks5)://.+$
      scopes a:s
      signatureAlgorithm s e=RS256|RS384|RS512
      tlsConfig @SafeTLSConfig
      tokenUrl s p=^(http|https)://.+$
    params m:a:s
    path s
    port s
    portNumber i min=1 max=65535
    proxyConnectHeader m:a:@SecretKeySelector
    proxyFromEnvironment b
    proxyUrl s p=^(http|https|socks5)://.+$
    relabelings a:@RelabelConfig
    scheme s e=http|https|HTTP|HTTPS
    scrapeTimeout @Duration
    targetPort ios
    tlsConfig @SafeTLSConfig
    trackTimestampsStaleness b
  podTargetLabels a:s
  sampleLimit i
  scrapeClass s minL=1
  scrapeClassicHistograms b
  scrapeNativeHistograms b
  scrapeProtocols a:s uniq e=PrometheusProto|OpenMetricsText0.0.1|OpenMetricsText1.0.0|PrometheusText0.0.4|PrometheusText1.0.0
  selector @LabelSelector
  selectorMechanism s e=RelabelConfig|RoleSelector
  targetLimit i
