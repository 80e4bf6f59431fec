import { expect } from "chai";
import { WorkspaceKey } from "../../emulator/auth/workspaceKey";
import { ClientSecretVault, SealedSecretError, storedClientSecret } from "../../emulator/login/clientSecretVault";
import type { StoredSsoProvider } from "../../emulator/store/ssoProvider";

function oidcProvider(sealed: string | null): StoredSsoProvider {
  return {
    record: { protocol: "oidc", identity_provider: "other", enabled: true, client_secret_set: sealed !== null, client_secret_updated_at: null, updated_at: "2026-01-01T00:00:00Z" },
    clientSecretSealed: sealed,
  };
}

describe("the sealed OIDC client secret", () => {
  const a = new ClientSecretVault(WorkspaceKey.inMemory().clientSecretSealingKey());
  const b = new ClientSecretVault(WorkspaceKey.inMemory().clientSecretSealingKey());

  it("opens with the key of the workspace that sealed it, and never holds the secret in clear", () => {
    const sealed = a.seal("s3cret-value");
    expect(sealed).to.match(/^v2\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).to.not.include("s3cret");
    expect(a.open(sealed)).to.equal("s3cret-value");
    expect(a.seal("s3cret-value")).to.not.equal(sealed, "a fresh IV each time");
  });

  it("does not open with another workspace's key, nor once altered", () => {
    const sealed = a.seal("s3cret-value");
    expect(() => b.open(sealed)).to.throw(SealedSecretError, /does not open with this workspace's key/);
    const [v, iv, ct, tag] = sealed.split(".");
    const flipped = `${v}.${iv}.${ct!.slice(0, -2)}${ct!.endsWith("A") ? "B" : "A"}${ct!.slice(-1)}.${tag}`;
    expect(() => a.open(flipped)).to.throw(SealedSecretError);
    expect(() => a.open("v1.aaaa.bbbb.cccc")).to.throw(SealedSecretError, /cannot be read/);
  });

  it("tells whether a sealed value holds a given secret, and false when it does not open", () => {
    const sealed = a.seal("old-secret");
    expect(a.holds(sealed, "old-secret")).to.equal(true);
    expect(a.holds(sealed, "old-secret2")).to.equal(false);
    expect(b.holds(sealed, "old-secret")).to.equal(false);
  });

  it("gives the stored secret for the token request, or nothing when none is stored", () => {
    expect(storedClientSecret(a, oidcProvider(a.seal("kept")))).to.equal("kept");
    expect(storedClientSecret(a, oidcProvider(null))).to.equal(undefined);
    expect(() => storedClientSecret(b, oidcProvider(a.seal("kept")))).to.throw(SealedSecretError);
  });

  it("derives the same sealing key from the same workspace key, and different ones from different keys", () => {
    const hex = "ab".repeat(32);
    const sealed = new ClientSecretVault(WorkspaceKey.parse(hex, "test").clientSecretSealingKey()).seal("x");
    expect(new ClientSecretVault(WorkspaceKey.parse(hex, "test").clientSecretSealingKey()).open(sealed)).to.equal("x");
    expect(() => new ClientSecretVault(WorkspaceKey.parse("cd".repeat(32), "test").clientSecretSealingKey()).open(sealed)).to.throw(SealedSecretError);
  });
});
