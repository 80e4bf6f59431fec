/**
 * SAML 2.0 sign-in with @node-saml/node-saml: an AuthnRequest over HTTP-Redirect to the provider's
 * `sign_on_url`, and the Response posted back to the ACS URL. node-saml verifies the signatures
 * against the configured certificate, the audience (`torq-local`), the validity window and
 * InResponseTo; the workspace adds what node-saml leaves out:
 * - a structural check first (responseOutline.ts): one Assertion, where it belongs, signed, with
 *   signatures referencing their own element — every signature-wrapping variant refused by name;
 * - the assertion's Issuer must be the configured IdP entity ID (`issuer`);
 * - the configured signing certificate must be within its validity period;
 * - the Response's Destination and the SubjectConfirmation's Recipient must be the ACS URL;
 * - attributes are read from every AttributeStatement (assertionAttributes.ts), and an e-mail
 *   address given two different values is refused (claims.ts);
 * - each AuthnRequest ID is answered once (login_requests), so a response cannot be replayed.
 */
import { SAML, SamlStatusError, ValidateInResponseTo, type CacheProvider, type Profile } from "@node-saml/node-saml";
import { certificateExpiry, parseCertificate, type ParsedCertificate } from "../../../provider/saml/certificate";
import { readSafeXml, type XmlElement } from "../../../provider/saml/safeXml";
import type { Claims } from "../../../provider/schemas/claimMappings";
import type { SsoProviderRecord } from "../../../provider/schemas/api";
import type { WorkspaceDatabase } from "../../store/database";
import { emailOf, normaliseSamlClaims } from "../claims";
import { loginRedirectUrl, SP_AUDIENCE, type LoginContext } from "../loginContext";
import { LoginError } from "../loginErrors";
import { findLoginRequest, LOGIN_REQUEST_TTL_MS, loginRequestPending, saveLoginRequest, takeLoginRequest } from "../store/loginRequests";
import { assertionAttributes } from "./assertionAttributes";
import { outlineSamlResponse, type ResponseOutline } from "./responseOutline";

const ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";

/** Clock skew tolerated on NotBefore / NotOnOrAfter, as most SPs allow. */
const CLOCK_SKEW_MS = 60_000;

/**
 * node-saml's request-ID cache, backed by the workspace's login_requests table so any server of the
 * data file accepts the answer. Removal is left to the workspace, which takes the ID atomically
 * once the response has verified: a forged answer cannot burn a genuine login's request.
 */
function requestIdCache(db: WorkspaceDatabase): CacheProvider {
  return {
    saveAsync: async (key, value) => {
      const createdAt = Date.now();
      saveLoginRequest(db, { id: key, protocol: "saml", nonce: null, codeVerifier: null, createdAt });
      return { value, createdAt };
    },
    getAsync: async (key) => {
      const pending = loginRequestPending(db, "saml", key, Date.now());
      return pending === undefined ? null : new Date(pending.createdAt).toISOString();
    },
    removeAsync: async (key) => key,
  };
}

function samlFor(ctx: LoginContext, record: SsoProviderRecord, certificate: ParsedCertificate): SAML {
  return new SAML({
    entryPoint: record.sign_on_url!,
    issuer: SP_AUDIENCE,
    audience: SP_AUDIENCE,
    callbackUrl: loginRedirectUrl(ctx),
    idpCert: certificate.pem,
    wantAssertionsSigned: true,
    // Many IdPs sign only the assertion; a Response signature, when present, is still verified.
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: LOGIN_REQUEST_TTL_MS,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    disableRequestedAuthnContext: true,
    cacheProvider: requestIdCache(ctx.db),
  });
}

/** The configured certificate, refused unless it is valid now (node-saml does not look at its dates). */
function usableCertificate(record: SsoProviderRecord, now: number): ParsedCertificate {
  let certificate: ParsedCertificate;
  try {
    certificate = parseCertificate(record.certificate ?? "");
  } catch (err) {
    throw new LoginError("SAML_INVALID_RESPONSE", `the provider's certificate does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  const expiry = certificateExpiry(certificate, new Date(now));
  if (expiry.status === "expired") {
    throw new LoginError("SAML_CERTIFICATE_EXPIRED", `the configured IdP signing certificate (${certificate.subject}) expired on ${certificate.notAfter}; rotate it in the IdP and in the provider`);
  }
  if (expiry.status === "not-yet-valid") {
    throw new LoginError("SAML_CERTIFICATE_NOT_YET_VALID", `the configured IdP signing certificate (${certificate.subject}) is not valid before ${certificate.notBefore}`);
  }
  return certificate;
}

/** The IdP URL (HTTP-Redirect binding) carrying a new AuthnRequest; its ID is recorded for the answer. */
export async function startSamlLogin(ctx: LoginContext, record: SsoProviderRecord): Promise<string> {
  const certificate = usableCertificate(record, ctx.now);
  return samlFor(ctx, record, certificate).getAuthorizeUrlAsync("", undefined, {});
}

/** Refuses an InResponseTo that answers nothing pending, saying whether it is unknown, used or late. */
function requirePendingRequest(ctx: LoginContext, outline: ResponseOutline): string {
  const id = outline.inResponseTo;
  if (id === undefined || id === "") {
    throw new LoginError("SAML_REQUEST_UNKNOWN", "the response has no InResponseTo: the workspace accepts only answers to its own AuthnRequests (IdP-initiated sign-in is not accepted)");
  }
  const found = findLoginRequest(ctx.db, "saml", id, ctx.now);
  switch (found.status) {
    case "pending":
      return id;
    case "used":
      throw new LoginError("SAML_REPLAYED", `the response answers AuthnRequest ${id.slice(0, 80)}, already answered at ${new Date(found.usedAt).toISOString()}: replayed response refused`);
    case "expired":
      throw new LoginError("SAML_REQUEST_EXPIRED", `the response answers an AuthnRequest sent more than ${LOGIN_REQUEST_TTL_MS / 60_000} minutes ago; start again`);
    case "unknown":
      throw new LoginError("SAML_REQUEST_UNKNOWN", `the response answers AuthnRequest ${id.slice(0, 80)}, which this workspace never sent`);
  }
}

/** Which key signed, for the message: the certificate the signature carries, when it is not the configured one. */
function describeForeignSigner(outline: ResponseOutline, configured: ParsedCertificate): string | undefined {
  for (const base64 of outline.embeddedCertificates) {
    try {
      const embedded = parseCertificate(base64);
      if (embedded.fingerprintSha256 !== configured.fingerprintSha256) return `${embedded.subject} (SHA-256 ${embedded.fingerprintSha256.slice(0, 23)}…)`;
    } catch {
      // Not a certificate: says nothing about the signer.
    }
  }
  return undefined;
}

/** node-saml's failure, as a LoginError with the case named. */
function translateNodeSamlError(err: unknown, outline: ResponseOutline, configured: ParsedCertificate): LoginError {
  if (err instanceof SamlStatusError) return new LoginError("SAML_IDP_ERROR", `the IdP refused the sign-in: ${err.message}`);
  const message = err instanceof Error ? err.message : String(err);
  if (/multiple assertions|more than one element|Referenced node|Too many signatures/i.test(message)) {
    return new LoginError("SAML_SIGNATURE_WRAPPING", `signature wrapping refused: ${message}`);
  }
  if (/signature/i.test(message)) {
    const foreign = describeForeignSigner(outline, configured);
    return new LoginError(
      "SAML_SIGNATURE_INVALID",
      foreign !== undefined
        ? `the response is signed by another key: its certificate is ${foreign}, not the configured ${configured.subject} (SHA-256 ${configured.fingerprintSha256.slice(0, 23)}…)`
        : "the response's signature does not verify with the configured certificate: the signed content was changed after signing (a tampered assertion or attribute)",
    );
  }
  if (/not yet valid/i.test(message)) return new LoginError("SAML_NOT_YET_VALID", "the assertion is not valid yet (its NotBefore is in the future, beyond the allowed clock skew of 60 s)");
  if (/expired|No valid subject confirmation/i.test(message)) {
    return new LoginError("SAML_EXPIRED", "the assertion has expired (its NotOnOrAfter has passed, beyond the allowed clock skew of 60 s)");
  }
  if (/audience/i.test(message)) {
    const received = /Received: (.*)$/.exec(message)?.[1];
    return new LoginError("SAML_WRONG_AUDIENCE", `the assertion is meant for audience ${received === undefined ? "(none)" : `"${received.slice(0, 120)}"`}, not this workspace ("${SP_AUDIENCE}")`);
  }
  if (/InResponseTo/i.test(message)) {
    return new LoginError("SAML_REQUEST_UNKNOWN", `the response does not answer a pending AuthnRequest of this workspace (${message})`);
  }
  return new LoginError("SAML_INVALID_RESPONSE", `the response is not acceptable: ${message.split("\n")[0]!.slice(0, 200)}`);
}

function descendants(element: XmlElement, namespace: string, localName: string, out: XmlElement[] = []): XmlElement[] {
  for (const child of element.children) {
    if (child.namespace === namespace && child.localName === localName) out.push(child);
    descendants(child, namespace, localName, out);
  }
  return out;
}

/** The Recipients of the signed assertion's bearer SubjectConfirmationData. */
function recipientsOf(profile: Profile): string[] {
  const xml = profile.getAssertionXml?.();
  if (xml === undefined) return [];
  return descendants(readSafeXml(xml), ASSERTION_NS, "SubjectConfirmationData")
    .map((data) => data.attributes.get("Recipient"))
    .filter((recipient): recipient is string => recipient !== undefined);
}

/** The verified assertion's attributes, from all its AttributeStatements (node-saml keeps only the last of a repeated Name). */
function attributesOf(profile: Profile): Record<string, string | string[]> {
  const xml = profile.getAssertionXml?.();
  return xml === undefined ? {} : assertionAttributes(xml);
}

/** Validates the posted SAMLResponse and returns the identity's claims. */
export async function finishSamlLogin(ctx: LoginContext, record: SsoProviderRecord, form: URLSearchParams): Promise<Claims> {
  const encoded = form.get("SAMLResponse");
  if (encoded === null || encoded === "") throw new LoginError("BAD_CALLBACK", "the POST carries no SAMLResponse");
  const configured = usableCertificate(record, ctx.now);
  const xml = Buffer.from(encoded, "base64").toString("utf8");
  const outline = outlineSamlResponse(xml);
  const acs = loginRedirectUrl(ctx);
  const requestId = requirePendingRequest(ctx, outline);

  let profile: Profile | null;
  try {
    ({ profile } = await samlFor(ctx, record, configured).validatePostResponseAsync({ SAMLResponse: encoded }));
  } catch (err) {
    throw translateNodeSamlError(err, outline, configured);
  }
  if (profile === null) throw new LoginError("SAML_INVALID_RESPONSE", "the response signs no one in");

  if (profile.issuer !== record.issuer) {
    throw new LoginError("SAML_WRONG_ISSUER", `the assertion was issued by "${String(profile.issuer ?? "(none)").slice(0, 120)}", not the configured IdP entity ID "${record.issuer}"`);
  }
  if (outline.responseIssuer !== undefined && outline.responseIssuer !== record.issuer) {
    throw new LoginError("SAML_WRONG_ISSUER", `the response was issued by "${outline.responseIssuer.slice(0, 120)}", not the configured IdP entity ID "${record.issuer}"`);
  }
  if (outline.destination !== undefined && outline.destination !== acs) {
    throw new LoginError("SAML_WRONG_DESTINATION", `the response is addressed to ${outline.destination.slice(0, 200)}, not this workspace's ACS URL ${acs}`);
  }
  const recipients = recipientsOf(profile);
  if (recipients.some((recipient) => recipient !== acs)) {
    throw new LoginError("SAML_WRONG_DESTINATION", `the assertion's Recipient is ${recipients.find((r) => r !== acs)!.slice(0, 200)}, not this workspace's ACS URL ${acs}`);
  }

  const claims = normaliseSamlClaims(attributesOf(profile), profile.nameID === undefined ? undefined : { value: profile.nameID, format: profile.nameIDFormat ?? null });
  // The one atomic step: of two posts of the same response, only the first gets past here.
  const taken = takeLoginRequest(ctx.db, "saml", requestId, ctx.now);
  if (taken.status !== "fresh") {
    throw new LoginError("SAML_REPLAYED", `the response answers AuthnRequest ${requestId.slice(0, 80)}, already answered: replayed response refused`, emailOf(claims));
  }
  return claims;
}
