/**
 * What each IdP metadata fixture in ../shared/fixtures/idp-metadata declares, established
 * independently of the parser under test: Python's namespace-aware ElementTree (expat) found the
 * EntityDescriptors with an IDPSSODescriptor, their SingleSignOnServices and the X509Certificates of
 * the IDPSSODescriptor's own KeyDescriptors; OpenSSL 3.0 read each certificate
 * (`openssl x509 -fingerprint -sha256`, `-startdate/-enddate -dateopt iso_8601`,
 * `-subject/-issuer -nameopt RFC2253,sep_comma_plus_space`, and `openssl verify -check_ss_sig`
 * for self-signed ones). Regenerate with test/fixtures/saml/derive-expected-idp-metadata.py.
 *
 * Certificates are listed without `pem`: the tests check it by hashing its DER to the fingerprint.
 */
import type { CertificateUse } from "../../../provider/saml/metadata";

export interface ExpectedCertificate {
  use: CertificateUse;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  subject: string;
  issuer: string;
  selfSigned: boolean;
}

export interface ExpectedEntity {
  entityId: string;
  singleSignOnServices: { binding: string; location: string }[];
  certificates: ExpectedCertificate[];
  validUntil: string | null;
  wantAuthnRequestsSigned: boolean;
}

export const EXPECTED_IDP_METADATA: Record<string, ExpectedEntity[]> = {
  "adfs-bpce-signed-sign-and-encrypt.xml": [
    {
      "entityId": "urn:bpce:bpce:bpce:pro:sp1",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://fi-sp.a.bbg/adfs/ls/"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://fi-sp.a.bbg/adfs/ls/"
        }
      ],
      "certificates": [
        {
          "use": "encryption",
          "fingerprintSha256": "52:4F:70:69:85:A1:C6:96:36:03:ED:4F:4E:FF:F3:92:54:8B:CF:3B:61:83:1F:57:FD:F2:C2:53:65:1F:F4:B7",
          "notBefore": "2018-04-25T13:40:30Z",
          "notAfter": "2021-04-24T13:40:30Z",
          "subject": "CN=BPCE-ZOC-PRO-SP1-Crypt, OU=SIGBPCEIT, OU=0002 493455042, O=BPCE, C=FR",
          "issuer": "CN=BPCE UCG ACE MATERIELS BPCE IT, OU=0002 493455042, O=BPCE, C=FR",
          "selfSigned": false
        },
        {
          "use": "signing",
          "fingerprintSha256": "46:1C:AB:EF:33:A5:51:EA:19:11:2E:14:A0:F5:91:39:8E:F3:E3:FC:F6:56:78:B3:7F:21:AB:21:7A:A9:51:A4",
          "notBefore": "2018-04-25T13:41:30Z",
          "notAfter": "2021-04-24T13:41:30Z",
          "subject": "CN=BPCE-ZOC-PRO-SP1-Sign, OU=SIGBPCE, OU=0002 493455042, O=BPCE, C=FR",
          "issuer": "CN=BPCE UCG ACE MATERIELS BPCE, OU=0002 493455042, O=BPCE, C=FR",
          "selfSigned": false
        }
      ],
      "validUntil": null,
      "wantAuthnRequestsSigned": false
    }
  ],
  "azure-ad-common-signed.xml": [
    {
      "entityId": "https://sts.windows.net/{tenantid}/",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://login.microsoftonline.com/common/saml2"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://login.microsoftonline.com/common/saml2"
        }
      ],
      "certificates": [
        {
          "use": "signing",
          "fingerprintSha256": "30:5C:76:94:88:E7:BD:3F:52:27:FC:C7:7C:82:08:86:4F:36:D3:9F:A9:85:3B:43:22:3C:96:5E:36:A9:05:35",
          "notBefore": "2026-01-10T18:04:42Z",
          "notAfter": "2031-01-10T18:04:42Z",
          "subject": "CN=accounts.accesscontrol.windows.net",
          "issuer": "CN=accounts.accesscontrol.windows.net",
          "selfSigned": true
        },
        {
          "use": "signing",
          "fingerprintSha256": "6E:29:8B:A7:37:4F:21:63:6E:6F:9F:5A:B0:EC:6C:4E:7B:1E:ED:36:C2:EA:BB:F0:A1:F2:3D:3D:E5:AE:CB:27",
          "notBefore": "2026-01-25T21:03:48Z",
          "notAfter": "2031-01-25T21:03:48Z",
          "subject": "CN=accounts.accesscontrol.windows.net",
          "issuer": "CN=accounts.accesscontrol.windows.net",
          "selfSigned": true
        },
        {
          "use": "signing",
          "fingerprintSha256": "3D:25:83:F7:7A:03:43:FA:09:37:38:CA:09:B8:45:54:52:DA:E5:B3:3B:B5:B9:8E:6A:1D:AF:97:70:F4:05:A1",
          "notBefore": "2026-02-05T07:02:51Z",
          "notAfter": "2031-02-05T07:02:51Z",
          "subject": "CN=accounts.accesscontrol.windows.net",
          "issuer": "CN=accounts.accesscontrol.windows.net",
          "selfSigned": true
        },
        {
          "use": "signing",
          "fingerprintSha256": "8C:11:C9:7B:FD:8F:32:9E:B9:2F:A3:3C:A8:3B:3A:4A:56:8C:28:16:84:A1:6E:4D:C2:F7:1E:FA:D7:4F:EF:9D",
          "notBefore": "2026-02-04T17:01:36Z",
          "notAfter": "2031-02-04T17:01:36Z",
          "subject": "CN=login.microsoftonline.us",
          "issuer": "CN=login.microsoftonline.us",
          "selfSigned": true
        }
      ],
      "validUntil": null,
      "wantAuthnRequestsSigned": false
    }
  ],
  "google-workspace-two-signing-certs.xml": [
    {
      "entityId": "https://accounts.google.com/o/saml2?idpid=C023zw3x8",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://accounts.google.com/o/saml2/idp?idpid=C023zw3x8"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://accounts.google.com/o/saml2/idp?idpid=C023zw3x8"
        }
      ],
      "certificates": [
        {
          "use": "signing",
          "fingerprintSha256": "13:B8:E2:64:25:18:22:45:D5:92:97:D2:E6:46:0B:3B:A9:00:4F:23:3E:47:19:00:72:5C:46:78:8F:78:10:3B",
          "notBefore": "2021-12-17T17:18:02Z",
          "notAfter": "2026-12-16T17:18:02Z",
          "subject": "ST=California, C=US, OU=Google For Work, CN=Google, L=Mountain View, O=Google Inc.",
          "issuer": "ST=California, C=US, OU=Google For Work, CN=Google, L=Mountain View, O=Google Inc.",
          "selfSigned": true
        },
        {
          "use": "signing",
          "fingerprintSha256": "DD:9E:7A:8E:F6:4B:87:BF:11:0A:7E:12:B1:E0:65:0F:8D:0B:D3:AF:BC:2B:68:66:CF:90:9A:DA:56:BA:E5:6F",
          "notBefore": "2022-04-27T15:47:30Z",
          "notAfter": "2027-04-26T15:47:30Z",
          "subject": "ST=California, C=US, OU=Google For Work, CN=Google, L=Mountain View, O=Google Inc.",
          "issuer": "ST=California, C=US, OU=Google For Work, CN=Google, L=Mountain View, O=Google Inc.",
          "selfSigned": true
        }
      ],
      "validUntil": "2026-12-16T17:18:02.000Z",
      "wantAuthnRequestsSigned": false
    }
  ],
  "jumpcloud-bitdefender.xml": [
    {
      "entityId": "https://gravityzone.bitdefender.com/sp/login",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://sso.jumpcloud.com/saml2/bitdefender"
        }
      ],
      "certificates": [
        {
          "use": "signing",
          "fingerprintSha256": "B1:30:01:64:A5:EB:DC:B7:EB:B2:BB:23:D6:19:13:D4:ED:15:36:B2:00:0C:F2:F9:31:1D:83:DB:39:DB:77:D6",
          "notBefore": "2021-03-02T09:41:25Z",
          "notAfter": "2026-03-02T09:41:25Z",
          "subject": "CN=JumpCloudSAMLUser, OU=JumpCloudSAMLIdP, O=Employee Zero, L=Boulder, ST=CO, C=US",
          "issuer": "CN=JumpCloudSAMLUser, OU=JumpCloudSAMLIdP, O=Employee Zero, L=Boulder, ST=CO, C=US",
          "selfSigned": true
        }
      ],
      "validUntil": null,
      "wantAuthnRequestsSigned": true
    }
  ],
  "keycloak-entities-urn-keycloak.xml": [
    {
      "entityId": "http://localhost:8080/auth/realms/hse",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "http://localhost:8080/auth/realms/hse/protocol/saml"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "http://localhost:8080/auth/realms/hse/protocol/saml"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
          "location": "http://localhost:8080/auth/realms/hse/protocol/saml"
        }
      ],
      "certificates": [
        {
          "use": "signing",
          "fingerprintSha256": "F9:03:C1:1C:C8:D7:2E:DF:22:7D:A5:C5:73:2C:1B:07:3B:C6:AF:A4:2B:DA:F0:0E:14:52:03:90:E4:D1:3E:B8",
          "notBefore": "2020-10-20T14:30:50Z",
          "notAfter": "2030-10-20T14:32:30Z",
          "subject": "CN=hse",
          "issuer": "CN=hse",
          "selfSigned": true
        }
      ],
      "validUntil": null,
      "wantAuthnRequestsSigned": true
    }
  ],
  "okta-dev-preview.xml": [
    {
      "entityId": "http://www.okta.com/exk8dx3jilpueVzpU0h7",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://dev-989848.oktapreview.com/app/ciscodev843126_portal_1/exk8dx3jilpueVzpU0h7/sso/saml"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://dev-989848.oktapreview.com/app/ciscodev843126_portal_1/exk8dx3jilpueVzpU0h7/sso/saml"
        }
      ],
      "certificates": [
        {
          "use": "signing",
          "fingerprintSha256": "9F:74:13:3B:BC:5A:7B:8B:2D:4F:8B:EF:1E:88:EB:D1:AE:BC:19:BF:CA:19:C6:2F:0F:4B:31:1D:68:98:B0:1B",
          "notBefore": "2016-10-06T16:36:15Z",
          "notAfter": "2026-10-06T16:37:15Z",
          "subject": "emailAddress=info@okta.com, CN=dev-989848, OU=SSOProvider, O=Okta, L=San Francisco, ST=California, C=US",
          "issuer": "emailAddress=info@okta.com, CN=dev-989848, OU=SSOProvider, O=Okta, L=San Francisco, ST=California, C=US",
          "selfSigned": true
        }
      ],
      "validUntil": null,
      "wantAuthnRequestsSigned": false
    }
  ],
  "okta-minified-sha256.xml": [
    {
      "entityId": "http://www.okta.com/exk9u78i8aMSxvkV70h7",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://dev-599847.oktapreview.com/app/expresssaml2dev599847_esaml2sp_1/exk9u78i8aMSxvkV70h7/sso/saml"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://dev-599847.oktapreview.com/app/expresssaml2dev599847_esaml2sp_1/exk9u78i8aMSxvkV70h7/sso/saml"
        }
      ],
      "certificates": [
        {
          "use": "signing",
          "fingerprintSha256": "D5:BF:EA:11:49:63:1D:16:64:85:5D:49:F3:C4:C0:5E:BC:D7:79:61:44:20:7A:0F:11:48:B9:49:A4:D6:9A:41",
          "notBefore": "2017-03-06T04:54:34Z",
          "notAfter": "2027-03-06T04:55:33Z",
          "subject": "emailAddress=info@okta.com, CN=dev-599847, OU=SSOProvider, O=Okta, L=San Francisco, ST=California, C=US",
          "issuer": "emailAddress=info@okta.com, CN=dev-599847, OU=SSOProvider, O=Okta, L=San Francisco, ST=California, C=US",
          "selfSigned": true
        }
      ],
      "validUntil": null,
      "wantAuthnRequestsSigned": true
    }
  ],
  "onelogin-486670.xml": [
    {
      "entityId": "https://app.onelogin.com/saml/metadata/486670",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://esaml2.onelogin.com/trust/saml2/http-post/sso/486670"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://esaml2.onelogin.com/trust/saml2/http-post/sso/486670"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
          "location": "https://esaml2.onelogin.com/trust/saml2/soap/sso/486670"
        }
      ],
      "certificates": [
        {
          "use": "signing",
          "fingerprintSha256": "AA:9A:19:A9:73:5A:49:45:35:99:D4:8A:0E:DC:DC:A5:7C:03:A0:B1:35:27:02:32:77:96:00:FB:DF:9E:9A:58",
          "notBefore": "2015-10-22T01:41:51Z",
          "notAfter": "2020-10-23T01:41:51Z",
          "subject": "CN=OneLogin Account 70609, OU=OneLogin IdP, O=Bash Lab, C=US",
          "issuer": "CN=OneLogin Account 70609, OU=OneLogin IdP, O=Bash Lab, C=US",
          "selfSigned": true
        }
      ],
      "validUntil": null,
      "wantAuthnRequestsSigned": false
    }
  ],
  "shibboleth-rctsaai-federation-signed-aggregate.xml": [
    {
      "entityId": "https://si-saai.ualg.pt/idp/shibboleth",
      "singleSignOnServices": [
        {
          "binding": "urn:mace:shibboleth:1.0:profiles:AuthnRequest",
          "location": "https://si-saai.ualg.pt/idp/profile/Shibboleth/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://si-saai.ualg.pt/idp/profile/SAML2/POST/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign",
          "location": "https://si-saai.ualg.pt/idp/profile/SAML2/POST-SimpleSign/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://si-saai.ualg.pt/idp/profile/SAML2/Redirect/SSO"
        }
      ],
      "certificates": [
        {
          "use": "unspecified",
          "fingerprintSha256": "F0:7E:9E:4E:8C:69:F4:B3:8A:2E:A0:0A:F3:35:33:F4:9F:A2:1B:14:77:C4:7D:11:0B:8E:35:84:D1:F5:1E:C0",
          "notBefore": "2016-02-01T09:14:04Z",
          "notAfter": "2036-02-01T09:14:04Z",
          "subject": "CN=si-saai.ualg.pt",
          "issuer": "CN=si-saai.ualg.pt",
          "selfSigned": true
        }
      ],
      "validUntil": "2017-04-22T12:17:22Z",
      "wantAuthnRequestsSigned": false
    },
    {
      "entityId": "https://idp.fccn.pt/idp/shibboleth",
      "singleSignOnServices": [
        {
          "binding": "urn:mace:shibboleth:1.0:profiles:AuthnRequest",
          "location": "https://idp.fccn.pt/idp/profile/Shibboleth/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://idp.fccn.pt/idp/profile/SAML2/POST/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign",
          "location": "https://idp.fccn.pt/idp/profile/SAML2/POST-SimpleSign/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://idp.fccn.pt/idp/profile/SAML2/Redirect/SSO"
        }
      ],
      "certificates": [
        {
          "use": "unspecified",
          "fingerprintSha256": "0B:24:12:17:B3:C3:58:37:99:FA:1D:23:BE:A0:AC:C2:E1:D1:B8:2E:50:66:11:6E:C9:AD:5B:ED:78:66:0D:CF",
          "notBefore": "2011-12-15T15:39:11Z",
          "notAfter": "2031-12-15T15:39:11Z",
          "subject": "CN=idp.fccn.pt",
          "issuer": "CN=idp.fccn.pt",
          "selfSigned": true
        }
      ],
      "validUntil": "2017-04-22T12:17:22Z",
      "wantAuthnRequestsSigned": false
    }
  ],
  "shibboleth-testshib-providers.xml": [
    {
      "entityId": "https://idp.testshib.org/idp/shibboleth",
      "singleSignOnServices": [
        {
          "binding": "urn:mace:shibboleth:1.0:profiles:AuthnRequest",
          "location": "https://idp.testshib.org/idp/profile/Shibboleth/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://idp.testshib.org/idp/profile/SAML2/POST/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://idp.testshib.org/idp/profile/SAML2/Redirect/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
          "location": "https://idp.testshib.org/idp/profile/SAML2/SOAP/ECP"
        }
      ],
      "certificates": [
        {
          "use": "unspecified",
          "fingerprintSha256": "ED:03:FF:38:DF:C7:EA:48:52:3E:27:10:EC:64:5F:ED:ED:DB:55:68:8C:16:2C:B3:7B:48:5C:52:3E:A5:C0:22",
          "notBefore": "2016-08-23T21:20:54Z",
          "notAfter": "2036-08-23T21:20:54Z",
          "subject": "CN=idp.testshib.org",
          "issuer": "CN=idp.testshib.org",
          "selfSigned": true
        }
      ],
      "validUntil": null,
      "wantAuthnRequestsSigned": false
    }
  ],
  "zitadel-cloud-signed.xml": [
    {
      "entityId": "https://my-instance-xtzfbc.zitadel.cloud/saml/v2/metadata",
      "singleSignOnServices": [
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
          "location": "https://my-instance-xtzfbc.zitadel.cloud/saml/v2/SSO"
        },
        {
          "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "location": "https://my-instance-xtzfbc.zitadel.cloud/saml/v2/SSO"
        }
      ],
      "certificates": [
        {
          "use": "signing",
          "fingerprintSha256": "0F:E0:E4:66:71:BF:53:6A:44:D9:1E:D6:3A:7A:95:C1:F2:72:26:B0:E3:65:25:9D:45:6A:A1:B4:C6:89:7C:D4",
          "notBefore": "2024-05-20T12:16:43Z",
          "notAfter": "2025-05-20T18:16:43Z",
          "subject": "CN=ZITADEL SAML response, O=ZITADEL",
          "issuer": "CN=ZITADEL SAML CA, O=ZITADEL",
          "selfSigned": false
        }
      ],
      "validUntil": "2024-05-21T09:50:37.393Z",
      "wantAuthnRequestsSigned": true
    }
  ]
};
