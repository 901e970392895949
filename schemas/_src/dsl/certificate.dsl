def CMSecretKeySelector o req=name
  key s
  name s
top spec o req=issuerRef,secretName
  additionalOutputFormats a:o req=type
    type s e=DER|CombinedPEM
  commonName s
  dnsNames a:s
  duration s
  emailAddresses a:s
  encodeUsagesInRequest b
  ipAddresses a:s
  isCA b
  issuerRef o req=name
    group s
    kind s
    name s
  keystores o
    jks o req=create
      alias s
      create b
      password s
      passwordSecretRef @CMSecretKeySelector
    pkcs12 o req=create
      create b
      password s
      passwordSecretRef @CMSecretKeySelector
      profile s e=LegacyRC2|LegacyDES|Modern2023
  literalSubject s
  nameConstraints o
    critical b
    excluded @NameConstraintItem
    permitted @NameConstraintItem
  otherNames a:o
    oid s
    utf8Value s
  privateKey o
    algorithm s e=RSA|ECDSA|Ed25519
    encoding s e=PKCS1|PKCS8
    rotationPolicy s e=Never|Always
    size i
  renewBefore s
  renewBeforePercentage i
  revisionHistoryLimit i
  secretName s
  secretTemplate o
    annotations m:s
    labels m:s
  signatureAlgorithm s e=SHA256WithRSA|SHA384WithRSA|SHA512WithRSA|ECDSAWithSHA256|ECDSAWithSHA384|ECDSAWithSHA512|PureEd25519
  subject o
    countries a:s
    localities a:s
    organizationalUnits a:s
    organizations a:s
    postalCodes a:s
    provinces a:s
    serialNumber s
    streetAddresses a:s
  uris a:s
  usages a:s e=["signing","digital signature","content commitment","key encipherment","key agreement","data encipherment","cert sign","crl sign","encipher only","decipher only","any","server auth","client auth","code signing","email protection","s/mime","ipsec end system","ipsec tunnel","ipsec user","timestamping","ocsp signing","microsoft sgc","netscape sgc"]
# END-SPEC
def NameConstraintItem o
  dnsDomains a:s
  emailAddresses a:s
  ipRanges a:s
  uriDomains a:s
