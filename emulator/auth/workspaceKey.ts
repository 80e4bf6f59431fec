/**
 * The workspace key: 32 random bytes from which the two secrets the data file must not hold are
 * derived (HKDF-SHA256) — the Owner API key's secret, so a restart prints the same one without the
 * file keeping it, and the key that seals the OIDC client secret. The key itself is never written
 * into the data file: it comes from the environment (`TORQ_LOCAL_WORKSPACE_KEY`), or from a key file
 * beside the data file (`<data file>.key`, created mode 0600), or, for `:memory:`, lives in memory.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hkdfSync, randomBytes } from "node:crypto";
import { CLIENT_SECRET_PREFIX } from "./credentials";

/** The environment variable that gives the workspace key (64 hex digits) instead of a key file. */
export const WORKSPACE_KEY_ENV = "TORQ_LOCAL_WORKSPACE_KEY";

const KEY_BYTES = 32;
const KEY_PATTERN = /^[0-9a-fA-F]{64}$/;

/** A workspace key that cannot be used: malformed, missing, too open, or not the data file's. */
export class WorkspaceKeyError extends Error {
  override readonly name = "WorkspaceKeyError";
  readonly code = "WORKSPACE_KEY_UNUSABLE";
}

/** The key file of a data file: the same path with `.key` appended. */
export function keyFileOf(dataFile: string): string {
  return `${dataFile}.key`;
}

/** A loaded workspace key, and where it came from (for messages; never the key itself). */
export class WorkspaceKey {
  private constructor(
    private readonly bytes: Buffer,
    /** Where the key came from, e.g. `the key file /x/ws.db.key`. */
    readonly source: string,
  ) {}

  /** A new random key that lives only in this process (for `:memory:` workspaces). */
  static inMemory(): WorkspaceKey {
    return new WorkspaceKey(randomBytes(KEY_BYTES), "an in-memory key");
  }

  /** A key written as 64 hex digits (surrounding white space allowed), from `source`. */
  static parse(text: string, source: string): WorkspaceKey {
    const hex = text.trim();
    if (!KEY_PATTERN.test(hex)) throw new WorkspaceKeyError(`${source} must hold 64 hexadecimal digits (32 bytes; e.g. from \`openssl rand -hex 32\`)`);
    return new WorkspaceKey(Buffer.from(hex, "hex"), source);
  }

  private derive(info: string, salt: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.bytes, Buffer.from(salt, "utf8"), Buffer.from(info, "utf8"), KEY_BYTES));
  }

  /** The Owner API key's secret for client id `clientId`: the same for the same key, every start. */
  ownerSecret(clientId: string): string {
    return CLIENT_SECRET_PREFIX + this.derive("torq-local owner api key secret v1", clientId).toString("base64url");
  }

  /** The AES-256 key that seals the OIDC client secret (login/clientSecretVault.ts). */
  clientSecretSealingKey(): Buffer {
    return this.derive("torq-local oidc client secret sealing key v1", "");
  }
}

function readKeyFile(file: string): WorkspaceKey {
  const source = `the key file ${file}`;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new WorkspaceKeyError(`${source} can be read by other users (mode 0${mode.toString(8)}); run chmod 600 ${file}`);
  }
  return WorkspaceKey.parse(readFileSync(file, "utf8"), source);
}

/**
 * Makes the key file, mode 0600, atomically: written in full under a temporary name, then linked
 * into place, so a second server starting on the same new data file reads a whole key or makes none.
 */
function createKeyFile(file: string): WorkspaceKey {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const hex = randomBytes(KEY_BYTES).toString("hex");
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, hex + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return readKeyFile(file); // another server made it first
  } finally {
    unlinkSync(temporary);
  }
  return WorkspaceKey.parse(hex, `the key file ${file}`);
}

/** Where a workspace's key is to come from. */
export interface WorkspaceKeyOptions {
  /** The data file, or `:memory:`. */
  dataFile: string;
  /** The key as 64 hex digits (e.g. from `TORQ_LOCAL_WORKSPACE_KEY`); wins over any key file. */
  key: string | undefined;
  /** Whether a missing key file may be made (a data file that holds no Owner key yet). */
  mayCreate: boolean;
}

/** The key of a workspace: the given one, an in-memory one for `:memory:`, or its key file's. */
export function loadWorkspaceKey(options: WorkspaceKeyOptions): WorkspaceKey {
  if (options.key !== undefined) return WorkspaceKey.parse(options.key, WORKSPACE_KEY_ENV);
  if (options.dataFile === ":memory:") return WorkspaceKey.inMemory();
  const file = keyFileOf(options.dataFile);
  try {
    return readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (!options.mayCreate) {
    throw new WorkspaceKeyError(
      `the data file ${options.dataFile} has no key: ${file} is missing and ${WORKSPACE_KEY_ENV} is not set ` +
        `(restore the key file, or start with a new data file)`,
    );
  }
  return createKeyFile(file);
}
