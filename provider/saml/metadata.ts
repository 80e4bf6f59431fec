/**
 * SAML 2.0 IdP metadata: what an identity provider declares about itself (entity ID, single
 * sign-on endpoints, signing certificates), and the three SAML settings Torq needs derived from it.
 *
 * Pure functions only: fetching metadata from a URL is the caller's business.
 */
import { parseCertificate, type ParsedCertificate } from "./certificate";
import { CertificateError, MetadataError } from "./errors";
import { readSafeXml, type XmlElement } from "./safeXml";

export { MAX_CHARACTER_REFERENCES, MAX_ELEMENT_DEPTH, MAX_METADATA_BYTES } from "./safeXml";

/** The SAML 2.0 metadata namespace (`md:`). */
export const SAML_METADATA_NAMESPACE = "urn:oasis:names:tc:SAML:2.0:metadata";
/** The XML Signature namespace (`ds:`). */
export const XMLDSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#";

/** The SAML 2.0 bindings a single sign-on service can declare. */
export const SAML2_BINDINGS = {
  httpRedirect: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
  httpPost: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
  httpPostSimpleSign: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign",
  httpArtifact: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact",
  soap: "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
  paos: "urn:oasis:names:tc:SAML:2.0:bindings:PAOS",
  uri: "urn:oasis:names:tc:SAML:2.0:bindings:URI",
} as const;

const SAML2_BINDING_PREFIX = "urn:oasis:names:tc:SAML:2.0:bindings:";

/** What a KeyDescriptor says its key is for; a KeyDescriptor without `use` is good for both. */
export type CertificateUse = "signing" | "encryption" | "unspecified";

/** A certificate from one of an IdP's KeyDescriptors. */
export interface IdpCertificate extends ParsedCertificate {
  readonly use: CertificateUse;
}

/** One `SingleSignOnService` endpoint, as declared. */
export interface SingleSignOnService {
  readonly binding: string;
  readonly location: string;
}

/** An EntityDescriptor that has an IDPSSODescriptor, reduced to what configuring an SP needs. */
export interface IdpEntity {
  /** The `entityID`: the issuer of the IdP's assertions. */
  readonly entityId: string;
  /** Every `SingleSignOnService` of the IDPSSODescriptor, in document order, whatever the binding. */
  readonly singleSignOnServices: readonly SingleSignOnService[];
  /**
   * The certificates of the KeyDescriptors that are direct children of the IDPSSODescriptor, in
   * document order; never those of other roles (RoleDescriptor, SPSSODescriptor,
   * AttributeAuthorityDescriptor) nor the key that signed the metadata.
   */
  readonly certificates: readonly IdpCertificate[];
  /**
   * The earliest `validUntil` among the IDPSSODescriptor, its EntityDescriptor and the enclosing
   * EntitiesDescriptors, as written; `null` when none sets one.
   */
  readonly validUntil: string | null;
  /** The IDPSSODescriptor's `WantAuthnRequestsSigned` (schema default `false`). */
  readonly wantAuthnRequestsSigned: boolean;
}

/** What a metadata document declares about identity providers. */
export interface IdpMetadata {
  /** One entry per EntityDescriptor that has an IDPSSODescriptor, in document order. */
  readonly entities: readonly IdpEntity[];
}

/** The SAML settings of Torq's SSO provider, as derived from IdP metadata. */
export interface SamlSettings {
  /** The IdP's entity ID. */
  readonly issuer: string;
  /** The single sign-on URL Torq sends users to; see `preferredSingleSignOnService`. */
  readonly signOnUrl: string;
  /** The binding of the chosen single sign-on service. */
  readonly signOnBinding: string;
  /**
   * The certificates that may verify the IdP's signatures (`use` signing or unspecified), in
   * document order. More than one means a rollover; the caller picks (e.g. the one valid longest).
   */
  readonly certificates: readonly IdpCertificate[];
}

/**
 * Parses IdP metadata: an `md:EntityDescriptor`, or an `md:EntitiesDescriptor` holding entities
 * at any depth. Elements are matched by local name and namespace URI, whatever prefix (or default
 * namespace) the document binds them to.
 *
 * The document is screened before parsing; see `readSafeXml` for what is refused and the limits.
 *
 * @throws MetadataError when the document is refused, is not SAML metadata, declares no IdP, or an
 *   IdP element lacks what the schema requires.
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const root = readSafeXml(xml);
  if (!isMetadata(root, "EntityDescriptor") && !isMetadata(root, "EntitiesDescriptor")) {
    throw new MetadataError("METADATA_NOT_SAML", `the document is not SAML 2.0 metadata: ${describeRoot(root)}`);
  }
  const entities: IdpEntity[] = [];
  collectEntities(root, [], entities);
  if (entities.length === 0) {
    throw new MetadataError(
      "METADATA_NO_IDP",
      "the metadata describes no identity provider (no EntityDescriptor has an IDPSSODescriptor)",
    );
  }
  return { entities };
}

/**
 * The single sign-on service Torq should send users to, or `undefined` when there is none it can use.
 *
 * Binding preference: HTTP-Redirect first (how an SP sends an AuthnRequest from the browser, and
 * the binding Torq's SAML login uses), then HTTP-POST, then any other SAML 2.0 browser binding
 * (e.g. HTTP-POST-SimpleSign, HTTP-Artifact). Never SAML 1.x or Shibboleth profiles, and never the
 * SAML 2.0 SOAP, PAOS (ECP) or URI bindings: those are back-channel or non-browser endpoints. Among
 * services of the same binding the first in document order wins.
 */
export function preferredSingleSignOnService(
  services: readonly SingleSignOnService[],
): SingleSignOnService | undefined {
  let best: SingleSignOnService | undefined;
  let bestRank = Infinity;
  for (const service of services) {
    const rank = bindingRank(service.binding);
    if (rank < bestRank) {
      best = service;
      bestRank = rank;
    }
  }
  return best;
}

/**
 * Derives Torq's SAML settings (issuer, sign-on URL, signing certificates) from parsed metadata.
 *
 * The entity is the only one, or the one whose entity ID is `opts.entityId`; the sign-on URL
 * follows `preferredSingleSignOnService`; the certificates are those usable for signing.
 *
 * @throws MetadataError `METADATA_ENTITY_AMBIGUOUS` (several IdPs, no choice; names them),
 *   `METADATA_ENTITY_NOT_FOUND`, `METADATA_NO_SSO_SERVICE` or `METADATA_NO_SIGNING_CERTIFICATE`.
 */
export function deriveSamlSettings(metadata: IdpMetadata, opts: { entityId?: string } = {}): SamlSettings {
  const entity = chooseEntity(metadata.entities, opts.entityId);
  const service = preferredSingleSignOnService(entity.singleSignOnServices);
  if (service === undefined) {
    throw new MetadataError(
      "METADATA_NO_SSO_SERVICE",
      `the IdP ${entity.entityId} declares no SAML 2.0 browser single sign-on service (HTTP-Redirect or HTTP-POST)`,
    );
  }
  if (!isHttpUrl(service.location)) {
    throw new MetadataError(
      "METADATA_NO_SSO_SERVICE",
      `the IdP ${entity.entityId} declares a single sign-on Location that is not an http(s) URL`,
    );
  }
  const certificates = entity.certificates.filter((certificate) => certificate.use !== "encryption");
  if (certificates.length === 0) {
    throw new MetadataError(
      "METADATA_NO_SIGNING_CERTIFICATE",
      `the IdP ${entity.entityId} declares no signing certificate (no KeyDescriptor with use="signing" or without use)`,
    );
  }
  return { issuer: entity.entityId, signOnUrl: service.location, signOnBinding: service.binding, certificates };
}

function bindingRank(binding: string): number {
  if (binding === SAML2_BINDINGS.httpRedirect) return 0;
  if (binding === SAML2_BINDINGS.httpPost) return 1;
  if (
    binding.startsWith(SAML2_BINDING_PREFIX) &&
    binding !== SAML2_BINDINGS.soap &&
    binding !== SAML2_BINDINGS.paos &&
    binding !== SAML2_BINDINGS.uri
  ) {
    return 2;
  }
  return Infinity;
}

function chooseEntity(entities: readonly IdpEntity[], entityId: string | undefined): IdpEntity {
  const ids = entities.map((entity) => entity.entityId);
  if (entityId === undefined) {
    if (entities.length === 1) return entities[0]!;
    throw new MetadataError(
      "METADATA_ENTITY_AMBIGUOUS",
      `the metadata describes ${entities.length} identity providers (${ids.join(", ")}); choose one by its entity ID`,
    );
  }
  const matches = entities.filter((entity) => entity.entityId === entityId);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new MetadataError(
      "METADATA_ENTITY_NOT_FOUND",
      `the metadata has no identity provider with entity ID ${entityId} (it has: ${ids.join(", ")})`,
    );
  }
  throw new MetadataError(
    "METADATA_ENTITY_AMBIGUOUS",
    `the metadata describes the identity provider ${entityId} ${matches.length} times`,
  );
}

function collectEntities(element: XmlElement, enclosingValidUntil: readonly string[], into: IdpEntity[]): void {
  const validUntil = [...enclosingValidUntil, ...optionalAttribute(element, "validUntil")];
  if (isMetadata(element, "EntitiesDescriptor")) {
    for (const child of element.children) {
      if (isMetadata(child, "EntitiesDescriptor") || isMetadata(child, "EntityDescriptor")) {
        collectEntities(child, validUntil, into);
      }
    }
    return;
  }
  const roles = element.children.filter((child) => isMetadata(child, "IDPSSODescriptor"));
  if (roles.length === 0) return;
  into.push(readIdpEntity(element, roles, validUntil));
}

/**
 * An entity with several IDPSSODescriptors (allowed, if rare: e.g. one per protocol) is reported
 * once, with the services and certificates of all of them in document order.
 */
function readIdpEntity(entity: XmlElement, roles: readonly XmlElement[], enclosingValidUntil: readonly string[]): IdpEntity {
  const entityId = entity.attributes.get("entityID")?.trim() ?? "";
  if (entityId === "") {
    throw new MetadataError("METADATA_INVALID", "an EntityDescriptor with an IDPSSODescriptor has no entityID");
  }
  const singleSignOnServices: SingleSignOnService[] = [];
  const certificates: IdpCertificate[] = [];
  const validUntil = [...enclosingValidUntil];
  let wantAuthnRequestsSigned = false;

  for (const role of roles) {
    validUntil.push(...optionalAttribute(role, "validUntil"));
    if (readBoolean(role, "WantAuthnRequestsSigned", entityId)) wantAuthnRequestsSigned = true;
    for (const child of role.children) {
      if (isMetadata(child, "SingleSignOnService")) {
        singleSignOnServices.push(readEndpoint(child, entityId, singleSignOnServices.length + 1));
      } else if (isMetadata(child, "KeyDescriptor")) {
        certificates.push(...readKeyDescriptor(child, entityId, certificates.length));
      }
    }
  }
  return {
    entityId,
    singleSignOnServices,
    certificates,
    validUntil: earliest(validUntil, entityId),
    wantAuthnRequestsSigned,
  };
}

function readEndpoint(element: XmlElement, entityId: string, position: number): SingleSignOnService {
  const binding = element.attributes.get("Binding")?.trim() ?? "";
  const location = element.attributes.get("Location")?.trim() ?? "";
  if (binding === "" || location === "") {
    throw new MetadataError(
      "METADATA_INVALID",
      `SingleSignOnService ${position} of the IdP ${entityId} has no ${binding === "" ? "Binding" : "Location"}`,
    );
  }
  return { binding, location };
}

function readKeyDescriptor(keyDescriptor: XmlElement, entityId: string, before: number): IdpCertificate[] {
  const declared = keyDescriptor.attributes.get("use")?.trim();
  const use: CertificateUse | undefined =
    declared === undefined ? "unspecified" : declared === "signing" || declared === "encryption" ? declared : undefined;
  if (use === undefined) {
    throw new MetadataError(
      "METADATA_INVALID",
      `a KeyDescriptor of the IdP ${entityId} has a use other than "signing" or "encryption"`,
    );
  }
  const certificates: IdpCertificate[] = [];
  for (const keyInfo of keyDescriptor.children.filter((child) => isSignature(child, "KeyInfo"))) {
    for (const x509Data of keyInfo.children.filter((child) => isSignature(child, "X509Data"))) {
      for (const element of x509Data.children.filter((child) => isSignature(child, "X509Certificate"))) {
        const position = before + certificates.length + 1;
        try {
          certificates.push({ use, ...parseCertificate(element.text) });
        } catch (cause) {
          if (!(cause instanceof CertificateError)) throw cause;
          throw new MetadataError(
            "METADATA_BAD_CERTIFICATE",
            `certificate ${position} of the IdP ${entityId} does not parse: ${cause.message}`,
            { cause },
          );
        }
      }
    }
  }
  return certificates;
}

function readBoolean(element: XmlElement, name: string, entityId: string): boolean {
  const value = element.attributes.get(name)?.trim();
  if (value === undefined || value === "false" || value === "0") return false;
  if (value === "true" || value === "1") return true;
  throw new MetadataError("METADATA_INVALID", `${name} of the IdP ${entityId} is not a boolean (true, false, 1 or 0)`);
}

function optionalAttribute(element: XmlElement, name: string): string[] {
  const value = element.attributes.get(name)?.trim();
  return value === undefined || value === "" ? [] : [value];
}

function earliest(instants: readonly string[], entityId: string): string | null {
  let best: string | null = null;
  let bestTime = Infinity;
  for (const instant of instants) {
    const time = Date.parse(instant);
    if (Number.isNaN(time)) {
      throw new MetadataError("METADATA_INVALID", `a validUntil that applies to the IdP ${entityId} is not a date and time`);
    }
    if (time < bestTime) {
      best = instant;
      bestTime = time;
    }
  }
  return best;
}

function isMetadata(element: XmlElement, localName: string): boolean {
  return element.localName === localName && element.namespace === SAML_METADATA_NAMESPACE;
}

function isSignature(element: XmlElement, localName: string): boolean {
  return element.localName === localName && element.namespace === XMLDSIG_NAMESPACE;
}

function describeRoot(root: XmlElement): string {
  const name = root.localName.slice(0, 60);
  if (name === "EntityDescriptor" || name === "EntitiesDescriptor") {
    return `its root element ${name} is not in the namespace ${SAML_METADATA_NAMESPACE}`;
  }
  return `its root element is ${name}, not EntityDescriptor or EntitiesDescriptor`;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
