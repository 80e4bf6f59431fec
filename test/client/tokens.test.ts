import { expect } from "chai";
import { TorqAuthError } from "../../provider/client/errors";
import { expectRejection, LocalWorkspace, routes } from "./localWorkspace";
import { startRecordingProxy, type LoopbackServer } from "./loopbackServer";

const TOKEN_OK = `POST ${routes.token} 200`;
const ROLES_OK = `GET ${routes.roles} 200`;

describe("client: bearer tokens", () => {
  let ws: LocalWorkspace;
  afterEach(async () => ws.close());

  it("fetches one token for many calls, sequential and concurrent", async () => {
    ws = await LocalWorkspace.start();
    const client = ws.client();
    for (let i = 0; i < 5; i++) await client.listRoles();
    await Promise.all(Array.from({ length: 10 }, () => client.listClaimMappings()));
    const lines = await ws.requestLines();
    expect(lines.filter((line) => line.startsWith("POST"))).to.deep.equal([TOKEN_OK]);
    expect(lines[0]).to.equal(TOKEN_OK);
    expect(lines).to.have.length(16);
  });

  it("renews a token whose lifetime has passed before using it, so no 302 is needed", async () => {
    ws = await LocalWorkspace.start({ tokenTtlSeconds: 1 });
    const client = ws.client({ tokenRenewalMarginSeconds: 0 });
    await client.listRoles();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.listRoles();
    expect(await ws.requestLines()).to.deep.equal([TOKEN_OK, ROLES_OK, TOKEN_OK, ROLES_OK]);
  });

  it("renews a short-lived token a tenth of its lifetime early, not once per request (the margin is proportional)", async () => {
    ws = await LocalWorkspace.start({ tokenTtlSeconds: 20 });
    const client = ws.client();
    for (let i = 0; i < 30; i++) await client.listRoles();
    const lines = await ws.requestLines();
    expect(lines.filter((line) => line === TOKEN_OK), "one token for 30 calls within its 20 s").to.have.length(1);
    expect(lines).to.have.length(31);
  });

  describe("when the workspace answers 302 for a token the client still thinks valid", () => {
    // The client renews on its own clock, so a lapsed token is only ever sent when the clocks
    // disagree: the proxy overstates `expires_in` (3600 s for a token the workspace ends after 1 s),
    // as a skewed clock or a token revoked early would.
    let proxy: LoopbackServer;
    beforeEach(async () => {
      ws = await LocalWorkspace.start({ tokenTtlSeconds: 1 });
      proxy = await startRecordingProxy(ws.url, (token) => ({ ...token, expires_in: 3600 }));
    });
    afterEach(async () => proxy.close());

    it("fetches exactly one new token and sends the request exactly once more", async () => {
      const client = ws.client({ authUrl: proxy.url, tokenRenewalMarginSeconds: 0 });
      await client.listRoles();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const roles = await client.listRoles();
      expect(roles.map((role) => role.name)).to.include("Owner");
      expect(await ws.requestLines()).to.deep.equal([TOKEN_OK, ROLES_OK, `GET ${routes.roles} 302`, TOKEN_OK, ROLES_OK]);
    });

    it("fetches one new token for many concurrent requests that all met the 302", async () => {
      const client = ws.client({ authUrl: proxy.url, tokenRenewalMarginSeconds: 0 });
      await client.listRoles();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await Promise.all(Array.from({ length: 10 }, () => client.listRoles()));
      const lines = await ws.requestLines();
      expect(lines.filter((line) => line === TOKEN_OK)).to.have.length(2);
      expect(lines.filter((line) => line === `GET ${routes.roles} 302`)).to.have.length(10);
      expect(lines.filter((line) => line === ROLES_OK)).to.have.length(11);
    });
  });

  describe("when the workspace answers 401", () => {
    beforeEach(async () => {
      ws = await LocalWorkspace.start();
    });

    it("fetches exactly one new token and sends the request exactly once more", async () => {
      const client = ws.client();
      await client.listRoles();
      await ws.addFault({ method: "GET", path: routes.roles, status: 401 });
      await client.listRoles();
      expect(await ws.requestLines()).to.deep.equal([TOKEN_OK, ROLES_OK, `GET ${routes.roles} 401`, TOKEN_OK, ROLES_OK]);
    });

    it("gives up with TorqAuthError when the renewed token is refused too", async () => {
      const client = ws.client();
      await ws.addFault({ method: "GET", path: routes.roles, status: 401, times: 2 });
      const err = await expectRejection(client.listRoles(), TorqAuthError);
      expect(err.status).to.equal(401);
      expect(err.code).to.equal("UNAUTHENTICATED");
      expect(err.message).to.equal(`GET ${ws.url}${routes.roles}?page_size=100: the API token was refused (401): injected fault: HTTP 401`);
      expect(await ws.requestLines()).to.deep.equal([TOKEN_OK, `GET ${routes.roles} 401`, TOKEN_OK, `GET ${routes.roles} 401`]);
    });
  });

  it("reports bad credentials as TorqAuthError naming the settings, without the secret, after one token call", async () => {
    ws = await LocalWorkspace.start();
    const secret = "CANARY-SECRET-7f3a9c";
    const client = ws.client({ clientId: ws.ownerKey.client_id, clientSecret: secret });
    const err = await expectRejection(client.listClaimMappings(), TorqAuthError);
    expect(err.code).to.equal("UNAUTHENTICATED");
    expect(err.status).to.equal(401);
    expect(err.message).to.equal(
      `the workspace refused the API key (POST ${ws.url}${routes.token} answered 401): check torq:clientId and torq:clientSecret (or TORQ_CLIENT_ID / TORQ_CLIENT_SECRET)`,
    );
    const basic = Buffer.from(`${ws.ownerKey.client_id}:${secret}`).toString("base64");
    for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? ""]) {
      expect(text).not.to.include(secret);
      expect(text).not.to.include(basic);
    }
    expect(await ws.requestLines()).to.deep.equal([`POST ${routes.token} 401`]);
  });

  it("reports an unknown client id the same way", async () => {
    ws = await LocalWorkspace.start();
    const client = ws.client({ clientId: "no-such-key", clientSecret: "whatever" });
    const err = await expectRejection(client.listRoles(), TorqAuthError);
    expect(err.message).to.include("check torq:clientId and torq:clientSecret");
    expect(await ws.requestLines()).to.deep.equal([`POST ${routes.token} 401`]);
  });
});
