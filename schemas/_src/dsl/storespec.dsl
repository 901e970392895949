def SecretKeySelector o
  key s minL=1 maxL=253 p=^[-._a-zA-Z0-9]+$
  name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
  namespace s minL=1 maxL=63 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
def ServiceAccountSelector o req=name
  audiences a:s
  name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
  namespace s minL=1 maxL=63 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
top spec o req=provider
  conditions a:o
    namespaceRegexes a:s
    namespaceSelector @LabelSelector
    namespaces a:s minL=1 maxL=63 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
  controller s
  provider o minP=1 maxP=1
    akeyless o req=akeylessGWApiURL,authSecretRef
      akeylessGWApiURL s
      authSecretRef o
        kubernetesAuth o req=accessID,k8sConfName
          accessID s
          k8sConfName s
          secretRef @SecretKeySelector
          serviceAccountRef @ServiceAccountSelector
        secretRef o
          accessID @SecretKeySelector
          accessType @SecretKeySelector
          accessTypeParam @SecretKeySelector
      caBundle s f=byte
      caProvider @CAProvider
    alibaba o req=auth,regionID
      auth o
        rrsa o req=oidcProviderArn,oidcTokenFilePath,roleArn,sessionName
          oidcProviderArn s
          oidcTokenFilePath s
          roleArn s
          sessionName s
        secretRef o req=accessKeyIDSecretRef,accessKeySecretSecretRef
          accessKeyIDSecretRef @SecretKeySelector
          accessKeySecretSecretRef @SecretKeySelector
      regionID s
    aws o req=region,service
      additionalRoles a:s
      auth o
        jwt o
          serviceAccountRef @ServiceAccountSelector
        secretRef o
          accessKeyIDSecretRef @SecretKeySelector
          secretAccessKeySecretRef @SecretKeySelector
          sessionTokenSecretRef @SecretKeySelector
      externalID s
      prefix s
      region s
      role s
      secretsManager o
        forceDeleteWithoutRecovery b
        recoveryWindowInDays i
      service s e=SecretsManager|ParameterStore
      sessionTags a:o req=key,value
        key s
        value s
      transitiveTagKeys a:s
    azurekv o req=vaultUrl
      authSecretRef o
        clientCertificate @SecretKeySelector
        clientId @SecretKeySelector
        clientSecret @SecretKeySelector
        tenantId @SecretKeySelector
      authType s e=ServicePrincipal|ManagedIdentity|WorkloadIdentity
      customCloudConfig o req=activeDirectoryEndpoint
        activeDirectoryEndpoint s
        keyVaultDNSSuffix s
        keyVaultEndpoint s
        resourceManagerEndpoint s
      environmentType s e=PublicCloud|USGovernmentCloud|ChinaCloud|GermanCloud|AzureStackCloud
      identityId s
      serviceAccountRef @ServiceAccountSelector
      tenantId s
      useAzureSDK b
      vaultUrl s
    beyondtrust o req=auth,server
      auth o
        apiKey @SecretOrValue
        certificate @SecretOrValue
        certificateKey @SecretOrValue
        clientId @SecretOrValue
        clientSecret @SecretOrValue
      server o req=apiUrl,verifyCA
        apiUrl s
        apiVersion s
        clientTimeOutSeconds i
        retrievalType s
        separator s
        verifyCA b
    bitwardensecretsmanager o req=auth,organizationID,projectID
      apiURL s
      auth o req=secretRef
        secretRef o req=credentials
          credentials @SecretKeySelector
      bitwardenServerSDKURL s
      caBundle s
      caProvider @CAProvider
      identityURL s
      organizationID s
      projectID s
    chef o req=auth,serverUrl,username
      auth o req=secretRef
        secretRef o req=privateKeySecretRef
          privateKeySecretRef @SecretKeySelector
      serverUrl s
      username s
    cloudrusm o req=auth
      auth o
        secretRef o req=accessKeyIDSecretRef,accessKeySecretSecretRef
          accessKeyIDSecretRef @SecretKeySelector
          accessKeySecretSecretRef @SecretKeySelector
      projectID s
    conjur o req=auth,url
      auth o
        apikey o req=account,apiKeyRef,userRef
          account s
          apiKeyRef @SecretKeySelector
          userRef @SecretKeySelector
        jwt o req=account,serviceID
          account s
          hostId s
          secretRef @SecretKeySelector
          serviceAccountRef @ServiceAccountSelector
          serviceID s
      caBundle s
      caProvider @CAProvider
      url s
    delinea o req=clientId,clientSecret,tenant
      clientId @SecretOrValue
      clientSecret @SecretOrValue
      tenant s
      tld s
      urlTemplate s
    device42 o req=auth,host
      auth o req=secretRef
        secretRef o
          credentials @SecretKeySelector
      host s
    doppler o req=auth
      auth o req=secretRef
        secretRef o req=dopplerToken
          dopplerToken @SecretKeySelector
      config s
      format s e=json|dotnet-json|env|yaml|docker
      nameTransformer s e=upper-camel|camel|lower-snake|tf-var|dotnet-env|lower-kebab
      project s
    fake o req=data
      data a:o req=key,value
        key s
        value s
        version s
      validationResult i
    fortanix o
      apiKey o
        secretRef @SecretKeySelector
      apiUrl s
    gcpsm o
      auth o
        secretRef o
          secretAccessKeySecretRef @SecretKeySelector
        workloadIdentity o req=serviceAccountRef
          clusterLocation s
          clusterName s
          clusterProjectID s
          serviceAccountRef @ServiceAccountSelector
        workloadIdentityFederation o
          audience s
          awsSecurityCredentials o req=awsCredentialsSecretRef,region
            awsCredentialsSecretRef o req=name
              name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
              namespace s minL=1 maxL=63 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
            region s minL=1 maxL=50 p=^[a-z0-9-]+$
          credConfig o req=key,name
            key s minL=1 maxL=253 p=^[-._a-zA-Z0-9]+$
            name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
            namespace s minL=1 maxL=63 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
          externalTokenEndpoint s
          serviceAccountRef @ServiceAccountSelector
      location s
      projectID s
      secretVersionSelectionPolicy s
    github o req=appID,auth,installationID,organization
      appID i
      auth o req=privateKey
        privateKey @SecretKeySelector
      environment s
      installationID i
      organization s
      repository s
      uploadURL s
      url s
    gitlab o req=auth
      auth o req=SecretRef
        SecretRef o
          accessToken @SecretKeySelector
      caBundle s f=byte
      caProvider @CAProvider
      environment s
      groupIDs a:s
      inheritFromGroups b
      projectID s
      url s
    ibm o req=auth
      auth o minP=1 maxP=1
        containerAuth o req=profile
          iamEndpoint s
          profile s
          tokenLocation s
        secretRef o
          secretApiKeySecretRef @SecretKeySelector
      serviceUrl s
    infisical o req=auth,secretsScope
      auth o
        awsAuthCredentials o req=identityId
          identityId @SecretKeySelector
        azureAuthCredentials o req=identityId
          identityId @SecretKeySelector
          resource @SecretKeySelector
        gcpIamAuthCredentials o req=identityId,serviceAccountKeyFilePath
          identityId @SecretKeySelector
          serviceAccountKeyFilePath @SecretKeySelector
        gcpIdTokenAuthCredentials o req=identityId
          identityId @SecretKeySelector
        jwtAuthCredentials o req=identityId,jwt
          identityId @SecretKeySelector
          jwt @SecretKeySelector
        kubernetesAuthCredentials o req=identityId
          identityId @SecretKeySelector
          serviceAccountTokenPath @SecretKeySelector
        ldapAuthCredentials o req=identityId,ldapPassword,ldapUsername
          identityId @SecretKeySelector
          ldapPassword @SecretKeySelector
          ldapUsername @SecretKeySelector
        ociAuthCredentials o req=fingerprint,identityId,privateKey,region,tenancyId,userId
          fingerprint @SecretKeySelector
          identityId @SecretKeySelector
          privateKey @SecretKeySelector
          privateKeyPassphrase @SecretKeySelector
          region @SecretKeySelector
          tenancyId @SecretKeySelector
          userId @SecretKeySelector
        tokenAuthCredentials o req=accessToken
          accessToken @SecretKeySelector
        universalAuthCredentials o req=clientId,clientSecret
          clientId @SecretKeySelector
          clientSecret @SecretKeySelector
      hostAPI s
      secretsScope o req=environmentSlug,projectSlug
        environmentSlug s
        expandSecretReferences b
        projectSlug s
        recursive b
        secretsPath s
    keepersecurity o req=authRef,folderID
      authRef @SecretKeySelector
      folderID s
    kubernetes o
      auth o minP=1 maxP=1
        cert o
          clientCert @SecretKeySelector
          clientKey @SecretKeySelector
        serviceAccount @ServiceAccountSelector
        token o
          bearerToken @SecretKeySelector
      authRef @SecretKeySelector
      remoteNamespace s minL=1 maxL=63 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
      server o
        caBundle s f=byte
        caProvider @CAProvider
        url s
    onboardbase o req=apiHost,auth,environment,project
      apiHost s D
      auth o req=apiKeyRef,passcodeRef
        apiKeyRef @SecretKeySelector
        passcodeRef @SecretKeySelector
      environment s D
      project s D
    onepassword o req=auth,connectHost,vaults
      auth o req=secretRef
        secretRef o req=connectTokenSecretRef
          connectTokenSecretRef @SecretKeySelector
      connectHost s
      vaults m:i
    onepasswordSDK o req=auth,vault
      auth o req=serviceAccountSecretRef
        serviceAccountSecretRef @SecretKeySelector
      integrationInfo o
        name s
        version s
      vault s
    oracle o req=region,vault
      auth o req=secretRef,tenancy,user
        secretRef o req=fingerprint,privatekey
          fingerprint @SecretKeySelector
          privatekey @SecretKeySelector
        tenancy s
        user s
      compartment s
      encryptionKey s
      principalType s e=["","UserPrincipal","InstancePrincipal","Workload"]
      region s
      serviceAccountRef @ServiceAccountSelector
      vault s
    passbolt o req=auth,host
      auth o req=passwordSecretRef,privateKeySecretRef
        passwordSecretRef @SecretKeySelector
        privateKeySecretRef @SecretKeySelector
      host s
    passworddepot o req=auth,database,host
      auth o req=secretRef
        secretRef o
          credentials @SecretKeySelector
      database s
      host s
    previder o req=auth
      auth o
        secretRef o req=accessToken
          accessToken @SecretKeySelector
      baseUri s
    pulumi o req=accessToken,environment,organization,project
      accessToken o
        secretRef @SecretKeySelector
      apiUrl s
      environment s
      organization s
      project s
    scaleway o req=accessKey,projectId,region,secretKey
      accessKey @SecretOrValue
      apiUrl s
      projectId s
      region s
      secretKey @SecretOrValue
    secretserver o req=password,serverURL,username
      domain s
      password @SecretOrValue
      serverURL s
      username @SecretOrValue
    senhasegura o req=auth,module,url
      auth o req=clientId,clientSecretSecretRef
        clientId s
        clientSecretSecretRef @SecretKeySelector
      ignoreSslCertificate b
      module s
      url s
    vault o req=server
      auth o
        appRole o req=path,secretRef
          path s D
          roleId s
          roleRef @SecretKeySelector
          secretRef @SecretKeySelector
        cert o
          clientCert @SecretKeySelector
          secretRef @SecretKeySelector
        iam o req=vaultRole
          externalID s
          jwt o
            serviceAccountRef @ServiceAccountSelector
          path s
          region s
          role s
          secretRef o
            accessKeyIDSecretRef @SecretKeySelector
            secretAccessKeySecretRef @SecretKeySelector
          sessionTokenSecretRef @SecretKeySelector
          vaultAwsIamServerID s
          vaultRole s
        jwt o req=path
          kubernetesServiceAccountToken o req=serviceAccountRef
            audiences a:s
            expirationSeconds i
            serviceAccountRef @ServiceAccountSelector
          path s D
          role s
          secretRef @SecretKeySelector
        kubernetes o req=mountPath,role
          mountPath s D
          role s
          secretRef @SecretKeySelector
          serviceAccountRef @ServiceAccountSelector
        ldap o req=path,username
          path s D
          secretRef @SecretKeySelector
          username s
        namespace s
        tokenSecretRef @SecretKeySelector
        userPass o req=path,username
          path s D
          secretRef @SecretKeySelector
          username s
      caBundle s f=byte
      caProvider @CAProvider
      checkAndSet o
        required b
      forwardInconsistent b
      headers m:s
      namespace s
      path s
      readYourWrites b
      server s
      tls o
        certSecretRef @SecretKeySelector
        keySecretRef @SecretKeySelector
      version s e=v1|v2
    volcengine o req=region
      auth o
        secretRef o req=accessKeyID,secretAccessKey
          accessKeyID @SecretKeySelector
          secretAccessKey @SecretKeySelector
          token @SecretKeySelector
      region s
    webhook o req=result,url
      auth o minP=1 maxP=1
        ntlm o req=passwordSecret,usernameSecret
          passwordSecret @SecretKeySelector
          usernameSecret @SecretKeySelector
      body s
      caBundle s f=byte
      caProvider @CAProvider
      headers m:s
      method s
      result o
        jsonPath s
      secrets a:o req=name,secretRef
        name s
        secretRef @SecretKeySelector
      timeout s
      url s
    yandexcertificatemanager o req=auth
      apiEndpoint s
      auth o
        authorizedKeySecretRef @SecretKeySelector
      caProvider o
        certSecretRef @SecretKeySelector
      fetching o minP=1 maxP=1
        byID o
        byName o req=folderID
          folderID s
    yandexlockbox o req=auth
      apiEndpoint s
      auth o
        authorizedKeySecretRef @SecretKeySelector
      caProvider o
        certSecretRef @SecretKeySelector
      fetching o minP=1 maxP=1
        byID o
        byName o req=folderID
          folderID s
  refreshInterval i
  retrySettings o
    maxRetries i
    retryInterval s
# END-SPEC
def CAProvider o req=name,type
  key s minL=1 maxL=253 p=^[-._a-zA-Z0-9]+$
  name s minL=1 maxL=253 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
  namespace s minL=1 maxL=63 p=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
  type s e=Secret|ConfigMap
def SecretOrValue o
  secretRef @SecretKeySelector
  value s
