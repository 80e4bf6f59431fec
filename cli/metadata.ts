/**
 * `torq-sso metadata inspect <file|url> [--json]`: what a SAML IdP metadata document declares,
 * and which sign-on URL and certificates Torq would take from it.
 */
import { readFile, stat } from "node:fs/promises";
import { certificateExpiry } from "../provider/saml/certificate";
import { MetadataError } from "../provider/saml/errors";
import { decodeMetadataBytes, displayUrl, fetchMetadata, MetadataFetchError } from "../provider/saml/fetchMetadata";
export { FETCH_TIMEOUT_MS } from "../provider/saml/fetchMetadata";
import {
  MAX_METADATA_BYTES,
  parseIdpMetadata,
  preferredSingleSignOnService,
  type CertificateUse,
  type IdpEntity,
  type IdpMetadata,
} from "../provider/saml/metadata";
import { UsageError, parseOptions } from "./usage";

const USAGE = "usage: torq-sso metadata inspect <file|url> [--json]";

/** Anything with a scheme is taken for a URL (and refused unless https, or http to a loopback host). */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The `--json` document: exactly these keys, one entity per EntityDescriptor with an IDPSSODescriptor. */
export interface InspectJson {
  entities: {
    entityId: string;
    singleSignOnServices: { binding: string; location: string }[];
    certificates: { use: CertificateUse; fingerprintSha256: string; notAfter: string; subject: string }[];
  }[];
}

/** Runs `metadata inspect`; resolves to the exit code. Input problems throw a `UsageError`. */
export async function inspectCommand(args: string[]): Promise<number> {
  const { switches, rest } = parseOptions(args, { switches: ["json"] });
  if (rest.length !== 1) throw new UsageError(USAGE);
  const source = rest[0]!;
  const xml = URL_LIKE.test(source) ? await fetchOrExplain(source) : await readText(source);

  let metadata: IdpMetadata;
  try {
    metadata = parseIdpMetadata(xml);
  } catch (err) {
    if (err instanceof MetadataError) throw new UsageError(`${displaySource(source)}: ${err.message}`);
    throw err;
  }
  process.stdout.write(
    switches.has("json") ? JSON.stringify(toInspectJson(metadata), null, 2) + "\n" : summary(metadata, new Date()),
  );
  return 0;
}

/** The `--json` shape of parsed metadata. */
export function toInspectJson(metadata: IdpMetadata): InspectJson {
  return {
    entities: metadata.entities.map((entity) => ({
      entityId: entity.entityId,
      singleSignOnServices: entity.singleSignOnServices.map(({ binding, location }) => ({ binding, location })),
      certificates: entity.certificates.map(({ use, fingerprintSha256, notAfter, subject }) => ({
        use,
        fingerprintSha256,
        notAfter,
        subject,
      })),
    })),
  };
}

/** The human-readable report: each IdP, its endpoints (Torq's choice marked) and its certificates' expiry as of `now`. */
export function summary(metadata: IdpMetadata, now: Date): string {
  return metadata.entities.map((entity) => describeEntity(entity, now)).join("\n");
}

function describeEntity(entity: IdpEntity, now: Date): string {
  const lines = [`IdP ${entity.entityId}`];
  if (entity.validUntil !== null) {
    const expired = Date.parse(entity.validUntil) < now.getTime();
    lines.push(`  metadata valid until ${entity.validUntil}${expired ? " (EXPIRED: ask the IdP for current metadata)" : ""}`);
  }
  lines.push(`  wants signed AuthnRequests: ${entity.wantAuthnRequestsSigned ? "yes" : "no"}`);

  const chosen = preferredSingleSignOnService(entity.singleSignOnServices);
  lines.push("  single sign-on services:");
  if (entity.singleSignOnServices.length === 0) lines.push("    (none)");
  for (const service of entity.singleSignOnServices) {
    const mark = service === chosen ? "  <- Torq's sign-on URL" : "";
    lines.push(`    ${shortBinding(service.binding)}  ${service.location}${mark}`);
  }
  if (chosen === undefined) lines.push("    no SAML 2.0 browser binding: Torq cannot use this IdP");

  lines.push("  certificates:");
  if (entity.certificates.length === 0) lines.push("    (none)");
  for (const certificate of entity.certificates) {
    const { status, daysLeft } = certificateExpiry(certificate, now);
    const expiry =
      status === "expired"
        ? `EXPIRED ${-daysLeft} day${-daysLeft === 1 ? "" : "s"} ago`
        : status === "not-yet-valid"
          ? `not valid before ${certificate.notBefore}`
          : `${status}, ${daysLeft} day${daysLeft === 1 ? "" : "s"} left`;
    lines.push(`    ${certificate.use}  ${certificate.subject}`);
    lines.push(`      SHA-256 ${certificate.fingerprintSha256}`);
    lines.push(`      not after ${certificate.notAfter} (${expiry})`);
  }
  return lines.join("\n") + "\n";
}

function shortBinding(binding: string): string {
  const saml2 = "urn:oasis:names:tc:SAML:2.0:bindings:";
  return binding.startsWith(saml2) ? binding.slice(saml2.length) : binding;
}

async function readText(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`${file}: not a file`);
    if (info.size > MAX_METADATA_BYTES) throw new UsageError(`${file}: larger than ${MAX_METADATA_BYTES} bytes, refused`);
    return decodeMetadataBytes(await readFile(file));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? "cannot read it");
    throw new UsageError(`${file}: ${reason}`);
  }
}

/** A URL or answer at fault is bad input (exit 2); a network failure is not (exit 1). */
async function fetchOrExplain(source: string): Promise<string> {
  try {
    return await fetchMetadata(source);
  } catch (err) {
    if (err instanceof MetadataFetchError && err.badInput) throw new UsageError(err.message);
    throw err;
  }
}

function displaySource(source: string): string {
  if (!URL_LIKE.test(source)) return source;
  try {
    return displayUrl(new URL(source));
  } catch {
    return "the metadata URL";
  }
}
