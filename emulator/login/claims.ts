/**
 * Claims as the rules see them. IdPs send a claim as one value or a list (OIDC JSON: strings,
 * numbers, booleans, arrays; SAML: one AttributeValue or several); the evaluator compares strings,
 * so every claim becomes one string or a list of strings, and what cannot be compared (objects,
 * null, nested lists) is dropped rather than guessed at.
 */
import type { Claims } from "../../provider/schemas/claimMappings";
import { LoginError } from "./loginErrors";

/** SAML attribute names IdPs use for the e-mail address, besides `email` itself. */
const SAML_EMAIL_NAMES = [
  "email",
  "mail",
  "emailAddress",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
  "urn:oid:0.9.2342.19200300.100.1.3",
];

/** SAML attribute names IdPs use for group membership, besides `groups` itself. */
const SAML_GROUP_NAMES = [
  "groups",
  "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
  "http://schemas.xmlsoap.org/claims/Group",
  "memberOf",
];

const NAMEID_EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

function scalar(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return undefined;
}

/** One claim value as the evaluator compares it, or undefined when it is not comparable. */
export function normaliseClaimValue(value: unknown): string | string[] | undefined {
  if (Array.isArray(value)) return value.map(scalar).filter((element): element is string => element !== undefined);
  return scalar(value);
}

/**
 * The ID token's protocol claims: they say how the token was issued, not who signed in, so rules
 * never see them (`sub`, `acr` and `amr` do describe the sign-in and stay).
 */
const TOKEN_PROTOCOL_CLAIMS = new Set(["iss", "aud", "exp", "iat", "nbf", "jti", "nonce", "azp", "at_hash", "c_hash", "s_hash", "auth_time", "sid"]);

function comparableClaims(raw: Readonly<Record<string, unknown>>, skip: ReadonlySet<string>): Claims {
  const claims: Claims = {};
  for (const [name, value] of Object.entries(raw)) {
    if (skip.has(name)) continue;
    const normalised = normaliseClaimValue(value);
    if (normalised !== undefined) claims[name] = normalised;
  }
  return claims;
}

/** Every comparable identity claim of an OIDC ID token / UserInfo answer. */
export function normaliseOidcClaims(raw: Readonly<Record<string, unknown>>): Claims {
  return comparableClaims(raw, TOKEN_PROTOCOL_CLAIMS);
}

function firstPresent(attributes: Claims, names: readonly string[]): string | string[] | undefined {
  for (const name of names) if (attributes[name] !== undefined) return attributes[name];
  return undefined;
}

/** Every distinct value the attributes give the e-mail address, under any of its names. */
function emailValues(claims: Claims): string[] {
  const values: string[] = [];
  for (const name of SAML_EMAIL_NAMES) {
    for (const value of [claims[name] ?? []].flat()) if (!values.includes(value)) values.push(value);
  }
  return values;
}

/**
 * A SAML assertion's attributes by their Name (an attribute named in several AttributeStatements
 * has the union of their values: assertionAttributes.ts), plus `email` and `groups` under those
 * names when the IdP used one of the usual URIs for them (Entra ID, AD FS, LDAP OIDs), and `email`
 * from an e-mail-format NameID when no attribute carries it.
 *
 * The e-mail address is single-valued: owner e-mail rules decide on it, so a response whose
 * attributes give it two different values — in two statements, twice in one, or under two of its
 * names — is refused (SAML_CONFLICTING_CLAIMS) rather than resolved by picking one. Every other
 * attribute may be multi-valued; a rule matches any of its values.
 */
export function normaliseSamlClaims(
  attributes: Readonly<Record<string, unknown>>,
  nameId: { value: string; format: string | null } | undefined,
): Claims {
  const claims = comparableClaims(attributes, new Set());
  const emails = emailValues(claims);
  if (emails.length > 1) {
    throw new LoginError(
      "SAML_CONFLICTING_CLAIMS",
      `the response gives the e-mail address, a single-valued claim, ${emails.length} different values ` +
        `(${emails.map((email) => `"${email.slice(0, 120)}"`).join(", ")}), in its attribute statements, so which one is the user's ` +
        `cannot be told: sign-in refused (make the IdP send one e-mail address)`,
    );
  }
  if (emails.length === 1) claims["email"] = emails[0]!;
  else if (nameId !== undefined && nameId.format === NAMEID_EMAIL_FORMAT) claims["email"] = nameId.value;
  const groups = firstPresent(claims, SAML_GROUP_NAMES);
  if (groups !== undefined) claims["groups"] ??= groups;
  return claims;
}

/** The e-mail address a login is recorded under: the `email` claim (its first value), else undefined. */
export function emailOf(claims: Claims): string | null {
  const email = claims["email"];
  if (typeof email === "string") return email;
  return email?.[0] ?? null;
}
