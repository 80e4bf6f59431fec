/**
 * A SAML 2.0 identity provider for development and tests, on a loopback port: metadata at
 * `/metadata` (entity ID, HTTP-Redirect SingleSignOnService at `/sso`, signing certificate),
 * AuthnRequests over HTTP-Redirect, and signed Responses posted back through an auto-submitting
 * form (HTTP-POST). Signing in needs no password: `/sso` shows a form that picks a test user
 * (`&user=NAME` on it skips the form). Its key and self-signed certificate are made at start.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { autoPostPage, escapeHtml, readForm, sendHtml, signInPage } from "../html";
import { DEFAULT_TEST_USERS, findTestUser, type TestUser } from "../users";
import { readRedirectAuthnRequest } from "./authnRequest";
import { buildSamlResponse } from "./samlResponse";
import { newSigningIdentity, type SigningIdentity } from "./selfSignedCertificate";

/** How to start the dev SAML IdP. */
export interface SamlIdpOptions {
  users?: readonly TestUser[];
  /** Its signing key and certificate; default a new RSA key with a certificate valid for a year. */
  signer?: SigningIdentity;
  /** ACS URLs it will post to; default any loopback http(s) URL (it is a dev IdP). */
  allowedAcsUrls?: readonly string[];
  port?: number;
  host?: string;
}

/** A running dev SAML IdP. */
export interface SamlIdp {
  /** Its entity ID (the `issuer` an SP must expect); the base URL followed by /metadata. */
  readonly entityId: string;
  readonly url: string;
  readonly metadataUrl: string;
  /** The SingleSignOnService (HTTP-Redirect) URL: the SP's `sign_on_url`. */
  readonly signOnUrl: string;
  readonly signer: SigningIdentity;
  readonly users: readonly TestUser[];
  close(): Promise<void>;
}

function metadataXml(entityId: string, signOnUrl: string, certificatePem: string): string {
  const base64 = certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, "");
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeHtml(entityId)}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${base64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escapeHtml(signOnUrl)}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
}

function isLoopbackHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  } catch {
    return false;
  }
}

/** Starts the dev SAML IdP on loopback and resolves once it is listening. */
export async function startSamlIdp(options: SamlIdpOptions = {}): Promise<SamlIdp> {
  const users = options.users ?? DEFAULT_TEST_USERS;
  const signer = options.signer ?? newSigningIdentity();
  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => void res.writeHead(503).end();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendHtml(res, 400, `<!doctype html><title>SAML IdP error</title><p>${escapeHtml(err instanceof Error ? err.message : String(err))}</p>`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  const entityId = `${url}/metadata`;
  const signOnUrl = `${url}/sso`;
  const metadata = metadataXml(entityId, signOnUrl, signer.certificatePem);

  const answer = (res: ServerResponse, params: URLSearchParams, user: TestUser) => {
    const request = readRedirectAuthnRequest(params.get("SAMLRequest") ?? "");
    const acs = request.assertionConsumerServiceUrl;
    const allowed = options.allowedAcsUrls ? options.allowedAcsUrls.includes(acs) : isLoopbackHttpUrl(acs);
    if (!allowed) throw new Error(`the AuthnRequest's ACS URL ${acs} is not one this IdP posts to`);
    const xml = buildSamlResponse({ issuer: entityId, destination: acs, inResponseTo: request.id, audience: request.issuer, user, signer });
    const fields: Record<string, string> = { SAMLResponse: Buffer.from(xml, "utf8").toString("base64") };
    const relayState = params.get("RelayState");
    if (relayState) fields["RelayState"] = relayState;
    sendHtml(res, 200, autoPostPage(acs, fields));
  };

  handle = async (req, res) => {
    const target = new URL(req.url ?? "/", url);
    if (req.method === "GET" && target.pathname === "/metadata") {
      res.writeHead(200, { "Content-Type": "application/samlmetadata+xml; charset=utf-8", "Cache-Control": "no-store" });
      res.end(metadata);
      return;
    }
    if (target.pathname === "/sso" && req.method === "GET") {
      // Read now, so a broken request fails before any user is picked.
      readRedirectAuthnRequest(target.searchParams.get("SAMLRequest") ?? "");
      const user = findTestUser(users, target.searchParams.get("user"));
      if (user !== undefined) return answer(res, target.searchParams, user);
      const fields: Record<string, string> = { SAMLRequest: target.searchParams.get("SAMLRequest")! };
      const relayState = target.searchParams.get("RelayState");
      if (relayState) fields["RelayState"] = relayState;
      sendHtml(res, 200, signInPage({ title: "Dev SAML IdP — sign in", action: "/sso/login", users, fields }));
      return;
    }
    if (target.pathname === "/sso/login" && req.method === "POST") {
      const form = await readForm(req);
      const user = findTestUser(users, form.get("user"));
      if (user === undefined) throw new Error(`no test user "${form.get("user") ?? ""}"`);
      return answer(res, form, user);
    }
    res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
  };

  return {
    entityId,
    url,
    metadataUrl: `${url}/metadata`,
    signOnUrl,
    signer,
    users,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
