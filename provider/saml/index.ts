/**
 * SAML for Torq's SSO provider: certificates and IdP metadata, parsed safely and reduced to the
 * settings Torq needs (issuer, sign-on URL, signing certificate).
 */
export * from "./errors";
export * from "./certificate";
export * from "./metadata";
export { readSafeXml, type XmlElement } from "./safeXml";
export { fetchMetadata, MetadataFetchError, FETCH_TIMEOUT_MS } from "./fetchMetadata";
