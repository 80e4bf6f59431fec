import { expect } from "chai";
import { resolveConnection, type ConfigSource } from "../../../provider/config";

function source(values: Record<string, string>): ConfigSource {
  return { get: (key) => values[key] };
}

const KEY = { "torq:clientId": "id-1", "torq:clientSecret": "secret-canary-123" };

describe("provider configuration (stack config, then environment)", () => {
  it("defaults to the US region's public API and auth hosts", () => {
    expect(resolveConnection(source(KEY), {})).to.deep.equal({
      region: "us",
      apiUrl: "https://api.torq.io",
      authUrl: "https://auth.torq.io",
      clientId: "id-1",
      clientSecret: "secret-canary-123",
    });
  });

  it("picks the EU hosts for torq:region eu", () => {
    const c = resolveConnection(source({ ...KEY, "torq:region": "eu" }), {});
    expect([c.apiUrl, c.authUrl]).to.deep.equal(["https://api.eu.torq.io", "https://auth.eu.torq.io"]);
  });

  it("uses apiUrl for the token endpoint too when only apiUrl is set", () => {
    const c = resolveConnection(source({ ...KEY, "torq:apiUrl": "http://127.0.0.1:8080/" }), {});
    expect([c.apiUrl, c.authUrl]).to.deep.equal(["http://127.0.0.1:8080", "http://127.0.0.1:8080"]);
  });

  it("prefers stack config over the environment, and falls back to the environment", () => {
    const env = { TORQ_CLIENT_ID: "env-id", TORQ_CLIENT_SECRET: "env-secret", TORQ_REGION: "eu" };
    expect(resolveConnection(source({ "torq:clientId": "cfg-id" }), env)).to.include({ clientId: "cfg-id", clientSecret: "env-secret", region: "eu" });
  });

  const refusals: [string, Record<string, string>, string][] = [
    ["a missing key", {}, "missing torq:clientId (TORQ_CLIENT_ID) and torq:clientSecret (TORQ_CLIENT_SECRET): set them with `pulumi config set` (the secret with --secret) or in the environment"],
    ["an unknown region", { ...KEY, "torq:region": "apac" }, 'torq:region (TORQ_REGION) must be "us" or "eu", not "apac"'],
    ["plain http to a remote host", { ...KEY, "torq:apiUrl": "http://api.example.com" }, "torq:apiUrl (TORQ_API_URL) must be an https URL (http is allowed only for loopback hosts)"],
    ["a URL that is not one", { ...KEY, "torq:authUrl": "not a url" }, "torq:authUrl (TORQ_AUTH_URL) is not a URL"],
    [
      "credentials inside the API URL",
      { ...KEY, "torq:apiUrl": "https://admin:secret-canary-123@api.example.com" },
      "torq:apiUrl (TORQ_API_URL) must not contain a user name or password (user:password@host); give credentials in their own settings",
    ],
  ];
  for (const [what, values, message] of refusals) {
    it(`refuses ${what} with one line naming the setting, never the secret`, () => {
      expect(() => resolveConnection(source(values), {})).to.throw(message);
      try {
        resolveConnection(source(values), {});
      } catch (err) {
        expect(String(err)).to.not.include("secret-canary-123");
        expect((err as Error).stack).to.equal("");
      }
    });
  }
});
