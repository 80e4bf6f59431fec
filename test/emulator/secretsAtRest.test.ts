import { expect } from "chai";
import { chmodSync, existsSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { apiKeySchema } from "../../emulator/testHookSchemas";
import { startWorkspace, keyFileOf, WorkspaceKeyError, type Workspace } from "../../emulator";
import { WorkspaceKey } from "../../emulator/auth/workspaceKey";
import { DataFileLayoutError } from "../../emulator/store/schema";
import { ApiCaller, api, makeTempDir, removeTempDir, requestToken, send } from "./workspaceHarness";

const OIDC_SECRET = `oidc-canary-${Date.now()}-never-at-rest`;
/** Stored in clear (it is not a secret): the positive control that the byte search sees into the files. */
const VISIBLE_CLIENT_ID = `torq-app-${Date.now()}-visible`;

/** Every way a secret could sit in a file: as text, and its bytes raw, hex and base64(url). */
function encodingsOf(label: string, value: string | Buffer): Map<string, Buffer> {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  const encodings = new Map<string, Buffer>([[`${label} (bytes)`, bytes]]);
  for (const encoding of ["hex", "base64", "base64url"] as const) {
    encodings.set(`${label} (${encoding})`, Buffer.from(bytes.toString(encoding), "utf8"));
    if (encoding === "hex") encodings.set(`${label} (HEX)`, Buffer.from(bytes.toString("hex").toUpperCase(), "utf8"));
  }
  return encodings;
}

/** The data file and its -wal and -shm, as they are on disk now (absent ones left out). */
function filesOf(dataFile: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const file of [dataFile, `${dataFile}-wal`, `${dataFile}-shm`]) if (existsSync(file)) files.set(file, readFileSync(file));
  return files;
}

function expectNoneOf(secrets: Map<string, Buffer>, files: Map<string, Buffer>): void {
  for (const [file, bytes] of files) {
    for (const [label, secret] of secrets) expect(bytes.includes(secret), `${label} found in ${file}`).to.equal(false);
  }
}

function modeOf(file: string): string {
  return (statSync(file).mode & 0o777).toString(8).padStart(4, "0");
}

describe("secrets at rest in the local workspace", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeTempDir(dir));

  it("keeps neither API key secret, nor the OIDC client secret, nor the keys in the data file, its -wal or its -shm, running or closed", async () => {
    const folder = join(dir, "made-by-the-server");
    const dataFile = join(folder, "ws.db");
    const workspace = await startWorkspace({ dataFile, testHooks: true });
    let closed = false;
    try {
      const owner = new ApiCaller(workspace.url, workspace.ownerKey);
      const extra = apiKeySchema.parse((await send(workspace.url + "/_local/api_keys", "POST", { json: { role: "Owner" } })).body);
      expect((await requestToken(workspace.url, extra)).status).to.equal(200);
      const put = await owner.call("PUT", api("/sso/provider"), {
        json: { protocol: "oidc", issuer_url: "https://idp.example.test", client_id: VISIBLE_CLIENT_ID, client_secret: OIDC_SECRET },
      });
      expect(put.status, put.text).to.equal(200);
      await owner.createRule("email", "owner@example.com", await owner.roleId("Owner"));

      const key = WorkspaceKey.parse(readFileSync(keyFileOf(dataFile), "utf8"), "the test");
      const secrets = new Map([
        ...encodingsOf("the Owner key's secret", workspace.ownerKey.client_secret),
        ...encodingsOf("a test-hook key's secret", extra.client_secret),
        ...encodingsOf("the OIDC client secret", OIDC_SECRET),
        ...encodingsOf("the workspace key", Buffer.from(readFileSync(keyFileOf(dataFile), "utf8").trim(), "hex")),
        ...encodingsOf("the sealing key", key.clientSecretSealingKey()),
      ]);
      const running = filesOf(dataFile);
      expect([...running.keys()], "the WAL files exist while it runs").to.deep.equal([dataFile, `${dataFile}-wal`, `${dataFile}-shm`]);
      expectNoneOf(secrets, running);
      // The search does see what the files do hold: the provider's (public) client id.
      expect([...running.values()].some((bytes) => bytes.includes(VISIBLE_CLIENT_ID)), "the client id is found").to.equal(true);
      expect(Object.fromEntries([folder, dataFile, `${dataFile}-wal`, `${dataFile}-shm`, keyFileOf(dataFile)].map((f) => [f, modeOf(f)]))).to.deep.equal({
        [folder]: "0700",
        [dataFile]: "0600",
        [`${dataFile}-wal`]: "0600",
        [`${dataFile}-shm`]: "0600",
        [keyFileOf(dataFile)]: "0600",
      });

      await workspace.close();
      closed = true;
      const after = filesOf(dataFile);
      expect(after.size).to.be.greaterThan(0);
      expectNoneOf(secrets, after);
      expect([...after.values()].some((bytes) => bytes.includes(VISIBLE_CLIENT_ID)), "the client id is found").to.equal(true);
      expect(modeOf(dataFile)).to.equal("0600");
    } finally {
      if (!closed) await workspace.close();
    }
  });

  it("stores API key secrets as salted scrypt hashes, and the OIDC client secret only sealed", async () => {
    const dataFile = join(dir, "ws.db");
    const workspace = await startWorkspace({ dataFile });
    try {
      const owner = new ApiCaller(workspace.url, workspace.ownerKey);
      await owner.call("PUT", api("/sso/provider"), { json: { protocol: "oidc", issuer_url: "https://idp.example.test", client_id: "torq-app", client_secret: OIDC_SECRET } });
    } finally {
      await workspace.close();
    }
    const db = new DatabaseSync(dataFile, { readOnly: true });
    try {
      const keys = db.prepare("SELECT secret_hash FROM api_keys").all() as { secret_hash: string }[];
      expect(keys).to.have.length(1);
      expect(keys[0]!.secret_hash).to.match(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      const provider = db.prepare("SELECT * FROM sso_provider").get() as Record<string, unknown>;
      expect(Object.keys(provider)).to.deep.equal(["singleton", "record", "client_secret_sealed"]);
      expect(provider["client_secret_sealed"]).to.match(/^v2\./);
      const metaKeys = (db.prepare("SELECT key FROM meta").all() as { key: string }[]).map((row) => row.key);
      for (const name of metaKeys) expect(["claim_mappings_version", "sso_only"], "what meta may hold").to.include(name);
    } finally {
      db.close();
    }
  });
});

describe("the workspace key", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeTempDir(dir));

  async function started(options: Parameters<typeof startWorkspace>[0]): Promise<Workspace> {
    const workspace = await startWorkspace(options);
    await workspace.close();
    return workspace;
  }

  async function startFailure(options: Parameters<typeof startWorkspace>[0]): Promise<Error> {
    try {
      await (await startWorkspace(options)).close();
    } catch (err) {
      return err as Error;
    }
    throw new Error("the workspace started");
  }

  it("derives the same Owner key at every start from the key file, and refuses the file without it", async () => {
    const dataFile = join(dir, "ws.db");
    const first = await started({ dataFile });
    expect((await started({ dataFile })).ownerKey).to.deep.equal(first.ownerKey);
    const keyFile = readFileSync(keyFileOf(dataFile));
    unlinkSync(keyFileOf(dataFile));
    const missing = await startFailure({ dataFile });
    expect(missing).to.be.instanceOf(WorkspaceKeyError);
    expect(missing.message).to.equal(
      `the data file ${dataFile} has no key: ${keyFileOf(dataFile)} is missing and TORQ_LOCAL_WORKSPACE_KEY is not set (restore the key file, or start with a new data file)`,
    );
    expect(existsSync(keyFileOf(dataFile)), "no new key file is made for a file that has an Owner key").to.equal(false);
    const other = await startFailure({ dataFile, workspaceKey: "0f".repeat(32) });
    expect(other.message).to.equal(`TORQ_LOCAL_WORKSPACE_KEY is not the key of the data file ${dataFile} (the Owner key it derives does not match)`);
    expect(keyFile.toString("utf8")).to.match(/^[0-9a-f]{64}\n$/);
  });

  it("takes the key from TORQ_LOCAL_WORKSPACE_KEY (or the workspaceKey option) instead of a key file", async () => {
    const dataFile = join(dir, "ws.db");
    const hex = "5a".repeat(32);
    const saved = process.env["TORQ_LOCAL_WORKSPACE_KEY"];
    process.env["TORQ_LOCAL_WORKSPACE_KEY"] = hex;
    try {
      const first = await started({ dataFile });
      expect(existsSync(keyFileOf(dataFile))).to.equal(false);
      expect((await started({ dataFile, workspaceKey: hex })).ownerKey).to.deep.equal(first.ownerKey);
      process.env["TORQ_LOCAL_WORKSPACE_KEY"] = "not-hex";
      expect((await startFailure({ dataFile })).message).to.equal(
        "TORQ_LOCAL_WORKSPACE_KEY must hold 64 hexadecimal digits (32 bytes; e.g. from `openssl rand -hex 32`)",
      );
    } finally {
      if (saved === undefined) delete process.env["TORQ_LOCAL_WORKSPACE_KEY"];
      else process.env["TORQ_LOCAL_WORKSPACE_KEY"] = saved;
    }
  });

  it("refuses a key file other users can read, saying how to fix it", async () => {
    const dataFile = join(dir, "ws.db");
    await started({ dataFile });
    chmodSync(keyFileOf(dataFile), 0o644);
    const refused = await startFailure({ dataFile });
    expect(refused.message).to.equal(`the key file ${keyFileOf(dataFile)} can be read by other users (mode 0644); run chmod 600 ${keyFileOf(dataFile)}`);
  });

  it("refuses a data file of an older layout, which kept secrets in clear, in one line", async () => {
    for (const layout of [1, 2]) {
      const dataFile = join(dir, `old-${layout}.db`);
      const old = new DatabaseSync(dataFile);
      old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('owner_client_secret', 'tqs_old'); PRAGMA user_version = ${layout};`);
      old.close();
      const refused = await startFailure({ dataFile });
      expect(refused).to.be.instanceOf(DataFileLayoutError);
      expect(refused.message).to.equal(
        `the data file ${dataFile} was written by an older version that kept its secrets in clear (layout ${layout}); ` +
          `start with a new data file (or delete this one and its -wal and -shm files)`,
      );
      expect(existsSync(keyFileOf(dataFile)), "nothing is made beside a refused file").to.equal(false);
    }
  });
});

describe("the token endpoint's memory of verified keys", () => {
  it("still refuses a wrong secret for a key it has verified, and a key deleted since", async () => {
    const workspace = await startWorkspace({ testHooks: true });
    try {
      const extra = apiKeySchema.parse((await send(workspace.url + "/_local/api_keys", "POST", { json: { role: "Viewer" } })).body);
      for (let i = 0; i < 3; i++) expect((await requestToken(workspace.url, extra)).status).to.equal(200);
      expect((await requestToken(workspace.url, { ...extra, client_secret: `${extra.client_secret}x` })).status).to.equal(401);
      expect((await requestToken(workspace.url, { ...workspace.ownerKey, client_secret: extra.client_secret })).status).to.equal(401);
      expect((await send(workspace.url + "/_local/reset?data=true", "POST")).status).to.equal(200);
      expect((await requestToken(workspace.url, extra)).status).to.equal(401);
      expect((await requestToken(workspace.url, workspace.ownerKey)).status).to.equal(200);
    } finally {
      await workspace.close();
    }
  });
});
