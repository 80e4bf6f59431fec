import { expect } from "chai";
import { hashSecret } from "../../emulator/auth/credentials";
import { sealClientSecret, SealedSecretError, storedClientSecret, unsealClientSecret } from "../../emulator/login/clientSecretVault";
import { WorkspaceDatabase } from "../../emulator/store/database";
import type { StoredSsoProvider } from "../../emulator/store/ssoProvider";

function oidcProvider(hash: string | null, sealed: string | null): StoredSsoProvider {
  return {
    record: { protocol: "oidc", identity_provider: "other", enabled: true, client_secret_set: hash !== null, client_secret_updated_at: null, updated_at: "2026-01-01T00:00:00Z" },
    clientSecretHash: hash,
    clientSecretSealed: sealed,
  };
}

describe("the sealed OIDC client secret", () => {
  let a: WorkspaceDatabase;
  let b: WorkspaceDatabase;
  beforeEach(() => {
    a = new WorkspaceDatabase(":memory:");
    b = new WorkspaceDatabase(":memory:");
  });
  afterEach(() => {
    a.close();
    b.close();
  });

  it("opens with the key of the file that sealed it, and never holds the secret in clear", () => {
    const sealed = a.write(() => sealClientSecret(a, "s3cret-value"), { snapshot: false });
    expect(sealed).to.match(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).to.not.include("s3cret");
    expect(unsealClientSecret(a, sealed)).to.equal("s3cret-value");
    expect(a.write(() => sealClientSecret(a, "s3cret-value"), { snapshot: false })).to.not.equal(sealed, "a fresh IV each time");
  });

  it("does not open in another workspace's file, nor once altered", () => {
    const sealed = a.write(() => sealClientSecret(a, "s3cret-value"), { snapshot: false });
    b.write(() => sealClientSecret(b, "other"), { snapshot: false });
    expect(() => unsealClientSecret(b, sealed)).to.throw(SealedSecretError, /does not open with this data file's key/);
    const [v, iv, ct, tag] = sealed.split(".");
    const flipped = `${v}.${iv}.${ct!.slice(0, -2)}${ct!.endsWith("A") ? "B" : "A"}${ct!.slice(-1)}.${tag}`;
    expect(() => unsealClientSecret(a, flipped)).to.throw(SealedSecretError);
  });

  it("is refused when it no longer matches the stored hash, or when only a hash was ever stored", () => {
    const sealed = a.write(() => sealClientSecret(a, "old-secret"), { snapshot: false });
    expect(storedClientSecret(a, oidcProvider(hashSecret("old-secret"), sealed))).to.equal("old-secret");
    expect(() => storedClientSecret(a, oidcProvider(hashSecret("new-secret"), sealed))).to.throw(SealedSecretError, /out of date/);
    expect(() => storedClientSecret(a, oidcProvider(hashSecret("x"), null))).to.throw(SealedSecretError, /only a hash/);
    expect(storedClientSecret(a, oidcProvider(null, null))).to.equal(undefined);
  });
});
