// Microsoft Entra ID as the workspace's SSO provider, over SAML 2.0, configured from the federation
// metadata Entra publishes (https://login.microsoftonline.com/<tenant-id>/federationmetadata/2007-06/federationmetadata.xml).
// The sign-on URL, the entity ID and the signing certificate are read from it at preview.
//
// federation-metadata.xml is Entra's tenant-independent ("common") metadata, unedited, from
// github.com/ErikGrootoonk/saml (federationmetadata.xml @ 7931a70bda651982f27c51ab1feae0e7d84a779e).
// It lists four signing certificates; the provider takes the one valid longest (and says which at
// preview). Replace the file with your tenant's, or pin the certificate of your enterprise
// application:
//
//   pulumi config set tenantId <your tenant id>
//   pulumi config set certificate -- "$(cat torq-app-signing.pem)"   # PEM or bare base64 DER
//
// (the `--` stops the PEM's leading dashes from being read as a flag).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";

const config = new pulumi.Config();
// The common metadata's entity ID is the placeholder https://sts.windows.net/{tenantid}/; a tenant's
// own issuer and sign-on URL name the tenant. Explicit fields win over the metadata.
const tenantId = config.get("tenantId") ?? "11111111-2222-3333-4444-555555555555";
// Rotation: set the IdP's new certificate here; unset, the metadata's is used.
const certificate = config.get("certificate");

const entra = new torq.SsoProvider("entra", {
  protocol: "saml",
  identityProvider: "entra-id",
  metadataXml: readFileSync(path.join(__dirname, "federation-metadata.xml"), "utf8"),
  issuer: `https://sts.windows.net/${tenantId}/`,
  signOnUrl: `https://login.microsoftonline.com/${tenantId}/saml2`,
  certificate,
});

/** Which certificate Torq trusts: compare it with the enterprise application's "Thumbprint" (SHA-1 there) or this SHA-256. */
export const certificateFingerprint = entra.certificateFingerprint;
/** When to rotate by. */
export const certificateNotAfter = entra.certificateNotAfter;
/** What the Entra enterprise application needs: Reply URL (Assertion Consumer Service URL) and Identifier (Entity ID). */
export const replyUrl = entra.loginRedirectUrl;
export const identifier = entra.audience;
