/**
 * The errors of SAML certificate and metadata handling. Each carries a stable `code` that callers
 * and tests branch on, and a one-line message a user can act on. Messages never repeat the input
 * (a pasted "certificate" may turn out to be a private key).
 */

/** Any failure to read a SAML certificate or IdP metadata document. */
export abstract class SamlError extends Error {
  /** A stable, machine-readable reason, e.g. `CERTIFICATE_INVALID_BASE64`. */
  abstract readonly code: string;
}

/** Why a certificate (PEM or bare base64 DER) was refused. */
export type CertificateErrorCode =
  | "CERTIFICATE_EMPTY"
  | "CERTIFICATE_TOO_LARGE"
  | "CERTIFICATE_PEM_MALFORMED"
  | "CERTIFICATE_PEM_NOT_CERTIFICATE"
  | "CERTIFICATE_PEM_MULTIPLE"
  | "CERTIFICATE_INVALID_BASE64"
  | "CERTIFICATE_INVALID_DER"
  | "CERTIFICATE_TRAILING_DATA";

/** A certificate that does not parse as one X.509 certificate. */
export class CertificateError extends SamlError {
  override readonly name = "CertificateError";
  readonly code: CertificateErrorCode;

  constructor(code: CertificateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Why an IdP metadata document was refused, or why settings could not be derived from it. */
export type MetadataErrorCode =
  /** Empty or whitespace only. */
  | "METADATA_EMPTY"
  /** Larger than `MAX_METADATA_BYTES`. */
  | "METADATA_TOO_LARGE"
  /** Does not start with markup at all. */
  | "METADATA_NOT_XML"
  /** An HTML page (a sign-in or portal page served where metadata was expected). */
  | "METADATA_HTML"
  /** Declares a DOCTYPE or an ENTITY (entity expansion, external entities). */
  | "METADATA_DTD_REFUSED"
  /** More numeric character references than `MAX_CHARACTER_REFERENCES`. */
  | "METADATA_TOO_MANY_CHARACTER_REFERENCES"
  /** Elements nested deeper than `MAX_ELEMENT_DEPTH`. */
  | "METADATA_TOO_DEEP"
  /** Not well-formed (or not namespace-well-formed) XML. */
  | "METADATA_NOT_WELL_FORMED"
  /** Well-formed XML, but the root is not a SAML 2.0 EntityDescriptor or EntitiesDescriptor. */
  | "METADATA_NOT_SAML"
  /** SAML metadata without any EntityDescriptor that has an IDPSSODescriptor. */
  | "METADATA_NO_IDP"
  /** An element the parser needs is missing a required attribute or has an invalid value. */
  | "METADATA_INVALID"
  /** An IdP KeyDescriptor holds a certificate that does not parse. */
  | "METADATA_BAD_CERTIFICATE"
  /** Several IdPs and no `entityId` to choose one. */
  | "METADATA_ENTITY_AMBIGUOUS"
  /** The requested `entityId` is not among the metadata's IdPs. */
  | "METADATA_ENTITY_NOT_FOUND"
  /** The chosen IdP offers no single sign-on service Torq can use. */
  | "METADATA_NO_SSO_SERVICE"
  /** The chosen IdP declares no certificate usable to verify its signatures. */
  | "METADATA_NO_SIGNING_CERTIFICATE";

/** IdP metadata that was refused, or from which SAML settings cannot be derived. */
export class MetadataError extends SamlError {
  override readonly name = "MetadataError";
  readonly code: MetadataErrorCode;

  constructor(code: MetadataErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Why metadata could not be fetched. `badInput` is true when the URL or the answer is at fault, not the network. */
export class MetadataFetchError extends SamlError {
  override readonly name = "MetadataFetchError";
  readonly code = "METADATA_FETCH_FAILED";
  constructor(
    message: string,
    readonly badInput: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
