import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { TorqClient } from "../../provider/client/client";
import { TorqMaybeCommittedError } from "../../provider/client/errors";
import {
  TorqApiError,
  TorqAuthError,
  TorqConflictError,
  TorqLockoutError,
  TorqNetworkError,
  TorqNotFoundError,
  TorqUnsupportedError,
} from "../../provider/client/errors";
import { expectRejection, LocalWorkspace, rejectionOf, routes } from "./localWorkspace";
import { bearerTokensSeen, startRecordingProxy } from "./loopbackServer";

const OIDC_PROVIDER = {
  protocol: "oidc",
  identity_provider: "okta",
  issuer_url: "https://idp.example.test",
  client_id: "torq",
  client_secret: "idp-secret-never-shown",
} as const;

async function roleId(client: TorqClient, name: string): Promise<string> {
  return (await client.listRoles()).find((role) => role.name === name)!.id;
}

describe("client: typed errors", () => {
  let ws: LocalWorkspace;
  afterEach(async () => ws.close());

  describe("against a workspace with the [local] extensions", () => {
    let client: TorqClient;
    beforeEach(async () => {
      ws = await LocalWorkspace.start();
      client = ws.client();
    });

    it("raises TorqNotFoundError for a 404", async () => {
      const id = randomUUID();
      const err = await expectRejection(client.getClaimMapping(id), TorqNotFoundError);
      expect(err).to.be.instanceOf(TorqApiError);
      expect({ code: err.code, status: err.status, grpcCode: err.grpcCode, method: err.method, url: err.url }).to.deep.equal({
        code: "NOT_FOUND",
        status: 404,
        grpcCode: 5,
        method: "GET",
        url: `${ws.url}${routes.claimMapping(id)}`,
      });
      expect(err.message).to.equal(`GET ${ws.url}${routes.claimMapping(id)}: not found (404): claim mapping ${id} not found`);
    });

    it("raises TorqConflictError code PRECONDITION_FAILED for a stale If-Match", async () => {
      const owner = await roleId(client, "Owner");
      const first = await client.createClaimMapping({ claim_name: "email", claim_value: "a@x.io", role_id: owner });
      await client.createClaimMapping({ claim_name: "email", claim_value: "b@x.io", role_id: owner });
      const err = await expectRejection(client.updateClaimMapping(first.data.id, { claim_value: "c@x.io" }, { ifMatch: first.etag! }), TorqConflictError);
      expect({ code: err.code, status: err.status, grpcCode: err.grpcCode, field: err.field }).to.deep.equal({
        code: "PRECONDITION_FAILED",
        status: 412,
        grpcCode: 9,
        field: "If-Match",
      });
      expect(err.message).to.match(new RegExp(`^PATCH ${ws.url}${routes.claimMapping(first.data.id)}: the workspace changed meanwhile \\(412\\): `));
      expect((await client.getClaimMapping(first.data.id)).data.claim_value).to.equal("a@x.io");
    });

    it("raises TorqLockoutError code LOCKOUT_PREVENTED when deleting the only owner e-mail rule while a provider exists", async () => {
      const provider = await client.putSsoProvider(OIDC_PROVIDER);
      expect(provider).to.deep.include({ protocol: "oidc", client_secret_set: true });
      const ownerRule = await client.createClaimMapping({ claim_name: "email", claim_value: "owner@example.com", role_id: await roleId(client, "Owner") });
      await ws.resetLog();

      const err = await expectRejection(client.deleteClaimMapping(ownerRule.data.id), TorqLockoutError);

      expect(err).to.be.instanceOf(TorqApiError);
      expect({ code: err.code, status: err.status, grpcCode: err.grpcCode }).to.deep.equal({ code: "LOCKOUT_PREVENTED", status: 409, grpcCode: 9 });
      expect(err.message).to.match(new RegExp(`^DELETE ${ws.url}${routes.claimMapping(ownerRule.data.id)} was refused by the workspace to prevent a lockout: lockout prevented: `));
      expect(await ws.requestLines()).to.deep.equal([`DELETE ${routes.claimMapping(ownerRule.data.id)} 409`]);
      expect((await client.listClaimMappings()).items).to.deep.equal([ownerRule.data]);
      // allowLockout lets the same write through.
      await client.deleteClaimMapping(ownerRule.data.id, { allowLockout: true });
      expect((await client.listClaimMappings()).items).to.deep.equal([]);
    });

    it("raises TorqAuthError 403 naming user.write for a Viewer's key, after one token call and one request", async () => {
      const viewer = ws.client({}, await ws.newApiKey("Viewer"));
      await ws.resetLog();
      const err = await expectRejection(viewer.listClaimMappings(), TorqAuthError);
      expect({ code: err.code, status: err.status, grpcCode: err.grpcCode }).to.deep.equal({ code: "PERMISSION_DENIED", status: 403, grpcCode: 7 });
      expect(err.message).to.include("user.write");
      expect(err.message).to.equal(
        `GET ${ws.url}${routes.claimMappings}?page_size=100 was refused (403): the API key's role lacks the user.write scope; use a key of a role that has it (e.g. Owner)`,
      );
      expect(err.message.match(/user\.write/g), "said once").to.have.length(1);
      expect(await ws.requestLines()).to.deep.equal([`POST ${routes.token} 200`, `GET ${routes.claimMappings} 403`]);
    });
  });

  describe("against a --torq-compatible workspace", () => {
    beforeEach(async () => {
      ws = await LocalWorkspace.start({ torqCompatible: true });
    });

    it("raises TorqUnsupportedError for the SSO provider, saying the API does not offer it and to use the Torq UI", async () => {
      const client = ws.client();
      const err = await expectRejection(client.getSsoProvider(), TorqUnsupportedError);
      expect(err.code).to.equal("UNSUPPORTED");
      expect(err.message).to.equal(
        `this workspace's API does not offer the SSO provider and settings routes (GET ${ws.url}${routes.provider}); manage the SSO provider and SSO-only login in the Torq UI (Settings > Security > SSO)`,
      );
      await expectRejection(client.getSsoSettings(), TorqUnsupportedError);
      await expectRejection(client.putSsoProvider(OIDC_PROVIDER), TorqUnsupportedError);
      // One probe of the endpoints route, remembered; the provider route itself is never asked.
      expect(await ws.requestLines()).to.deep.equal([`POST ${routes.token} 200`, `GET ${routes.endpoints} 404`]);
      expect(await client.hasSsoProvider()).to.equal("unknown");
      expect((await client.listClaimMappings()).items).to.deep.equal([]);
    });
  });
});

describe("client: what an error shows", () => {
  const BODY_CANARY = "CANARY-BODY-4d1e0b";
  let ws: LocalWorkspace;
  afterEach(async () => ws.close());

  /** Everything a user or a log could see of an error. */
  function renderings(err: unknown): string[] {
    const error = err as Error;
    return [error.message, String(error), JSON.stringify(error), error.stack ?? "", inspect(error, { depth: Infinity, showHidden: true })];
  }

  it("never shows the client secret, the bearer token or a request body, whatever went wrong", async () => {
    ws = await LocalWorkspace.start();
    const proxy = await startRecordingProxy(ws.url);
    try {
      const client = ws.client({ apiUrl: proxy.url, authUrl: proxy.url, timeoutMs: 150 });
      const owner = await roleId(client, "Owner");
      const canaryRule = { claim_name: "email", claim_value: BODY_CANARY, role_id: owner };
      const rule = (await client.createClaimMapping(canaryRule)).data;

      const errors: unknown[] = [];
      const collect = async (promise: Promise<unknown>) => errors.push(await rejectionOf(promise));
      // A 400 whose request carried the canary.
      await collect(client.createClaimMapping({ ...canaryRule, role_id: randomUUID() }));
      // A 412 on a PATCH carrying it.
      await collect(client.updateClaimMapping(rule.id, { claim_value: BODY_CANARY + "-2" }, { ifMatch: '"cm-0"' }));
      // A create whose connection dropped: the cause once held axios's config (headers and body).
      await ws.addFault({ method: "POST", path: routes.claimMappings, drop: "before" });
      await collect(client.createClaimMapping(canaryRule));
      // A PATCH whose connection drops on every attempt.
      await ws.addFault({ method: "PATCH", path: routes.claimMapping(rule.id), drop: "before", times: 5 });
      await collect(client.updateClaimMapping(rule.id, { claim_value: BODY_CANARY + "-3" }));
      // A GET that times out on every attempt.
      await ws.addFault({ method: "GET", path: routes.claimMapping(rule.id), delay_ms: 300, times: 5 });
      await collect(client.getClaimMapping(rule.id));
      // A 503 after every retry, and a 401 after renewing.
      await ws.addFault({ method: "GET", path: routes.claimMappings, status: 503, times: 5 });
      await collect(client.listClaimMappings());
      await ws.addFault({ method: "GET", path: routes.roles, status: 401, times: 2 });
      await collect(client.listRoles());
      // Bad credentials.
      const secretCanary = "CANARY-SECRET-a81f22";
      await collect(ws.client({ apiUrl: proxy.url, authUrl: proxy.url, clientSecret: secretCanary }).listRoles());

      expect(errors.map((err) => (err as Error).name)).to.deep.equal([
        "TorqApiError",
        "TorqConflictError",
        "TorqMaybeCommittedError",
        "TorqNetworkError",
        "TorqNetworkError",
        "TorqApiError",
        "TorqAuthError",
        "TorqAuthError",
      ]);
      const tokens = bearerTokensSeen(proxy);
      expect(tokens.length).to.be.at.least(2);
      const forbidden = [
        ws.ownerKey.client_secret,
        secretCanary,
        Buffer.from(`${ws.ownerKey.client_id}:${ws.ownerKey.client_secret}`).toString("base64"),
        Buffer.from(`${ws.ownerKey.client_id}:${secretCanary}`).toString("base64"),
        BODY_CANARY,
        "Bearer ",
        "Basic ",
        ...tokens,
      ];
      for (const err of errors) {
        for (const text of renderings(err)) {
          for (const secret of forbidden) expect(text, `${(err as Error).name} shows ${JSON.stringify(secret)}`).not.to.include(secret);
        }
      }
      // What a network error keeps of its cause: the code and message, nothing of the request.
      const dropped = errors[2] as TorqMaybeCommittedError;
      expect(dropped.cause).to.be.instanceOf(Error);
      expect(dropped.cause).to.deep.include({ code: "ECONNRESET", message: "socket hang up" });
      expect(Object.keys(dropped.cause as object)).to.deep.equal(["code"]);
      expect((errors[4] as TorqNetworkError).code).to.equal("TIMEOUT");
      expect(inspect(dropped)).to.include("socket hang up");
    } finally {
      await proxy.close();
    }
  });
});
