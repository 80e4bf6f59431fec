import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { TorqClient } from "../../provider/client/client";
import { TorqApiError, TorqNotFoundError } from "../../provider/client/errors";
import { SleepRecorder, expectRejection, routes } from "./localWorkspace";
import { answer, startLoopbackServer, startMisbehavingApi, type LoopbackHandler, type LoopbackServer } from "./loopbackServer";

const RULE = { id: randomUUID(), claim_name: "email", claim_value: "a@x.io", role_id: randomUUID(), rank: 1 };

function clientOf(server: LoopbackServer): TorqClient {
  return new TorqClient({ apiUrl: server.url, authUrl: server.url, clientId: "id", clientSecret: "secret", sleep: new SleepRecorder().sleep });
}

/** The requests `server` received on `path` (query ignored). */
function requestsTo(server: LoopbackServer, method: string, path: string): number {
  return server.received.filter((request) => request.method === method && request.url.split("?")[0] === path).length;
}

describe("client: answers it cannot use", () => {
  let server: LoopbackServer;
  afterEach(async () => server.close());

  async function serve(api: LoopbackHandler): Promise<TorqClient> {
    server = await startMisbehavingApi(api);
    return clientOf(server);
  }

  const badShapes: { title: string; body: unknown; field: string; message: string }[] = [
    {
      title: "a rank that is a string",
      body: { claim_mappings: [{ ...RULE, rank: "1" }], next_page_token: "" },
      field: "claim_mappings.0.rank",
      message: "claim_mappings.0.rank: Invalid input: expected number, received string",
    },
    {
      title: "no claim_mappings at all",
      body: { mappings: [RULE] },
      field: "claim_mappings",
      message: "claim_mappings: Invalid input: expected array, received undefined",
    },
    {
      title: "an id that is not a UUID",
      body: { claim_mappings: [RULE, { ...RULE, id: "rule-2", rank: 2 }] },
      field: "claim_mappings.1.id",
      message: "claim_mappings.1.id: Invalid UUID",
    },
    {
      title: "null",
      body: null,
      field: "body",
      message: "body: Invalid input: expected object, received null",
    },
  ];
  for (const { title, body, field, message } of badShapes) {
    it(`reports a list of the wrong shape (${title}) as BAD_RESPONSE naming ${field}, without retrying`, async () => {
      const client = await serve((_, res) => answer(res, 200, JSON.stringify(body)));
      const err = await expectRejection(client.listClaimMappings(), TorqApiError);
      expect({ code: err.code, status: err.status, field: err.field }).to.deep.equal({ code: "BAD_RESPONSE", status: 200, field });
      expect(err.message).to.equal(`GET ${server.url}${routes.claimMappings}: unexpected answer (200): ${message}`);
      expect(requestsTo(server, "GET", routes.claimMappings)).to.equal(1);
    });
  }

  it("reports an answer that is not JSON as BAD_RESPONSE", async () => {
    const client = await serve((_, res) => answer(res, 200, "<html><body>Sign in</body></html>", { "content-type": "text/html" }));
    const err = await expectRejection(client.listRoles(), TorqApiError);
    expect({ code: err.code, status: err.status }).to.deep.equal({ code: "BAD_RESPONSE", status: 200 });
    expect(err.message).to.equal(`GET ${server.url}${routes.roles}: the answer (200) is not JSON`);
    expect(requestsTo(server, "GET", routes.roles)).to.equal(1);
  });

  it("reports an empty answer where a rule was expected as BAD_RESPONSE, not as a missing value", async () => {
    const client = await serve((_, res) => answer(res, 200, ""));
    const err = await expectRejection(client.getClaimMapping(RULE.id), TorqApiError);
    expect(err.code).to.equal("BAD_RESPONSE");
    expect(err.message).to.equal(`GET ${server.url}${routes.claimMapping(RULE.id)}: the answer (200) is empty`);
  });

  it("accepts an empty answer to a DELETE", async () => {
    const client = await serve((_, res) => answer(res, 200, ""));
    const result = await client.deleteClaimMapping(RULE.id);
    expect(result.data).to.equal(undefined);
    expect(result.status).to.equal(200);
  });

  it("stops with BAD_RESPONSE naming next_page_token when a page hands out a token it already gave", async () => {
    const client = await serve((_, res) => answer(res, 200, JSON.stringify({ claim_mappings: [RULE], next_page_token: "again" })));
    const err = await expectRejection(client.listClaimMappings(), TorqApiError);
    expect({ code: err.code, field: err.field }).to.deep.equal({ code: "BAD_RESPONSE", field: "next_page_token" });
    expect(err.message).to.equal(`GET ${server.url}${routes.claimMappings}: unexpected answer (200): next_page_token: repeats an earlier page's token, so the list never ends`);
    expect(requestsTo(server, "GET", routes.claimMappings)).to.equal(2);
  });

  it("retries a 502 from a gateway whose body is HTML, then reports the status", async () => {
    const client = await serve((_, res) => answer(res, 502, "<html>Bad Gateway</html>", { "content-type": "text/html" }));
    const err = await expectRejection(client.listRoles(), TorqApiError);
    expect({ code: err.code, status: err.status, grpcCode: err.grpcCode }).to.deep.equal({ code: "UNAVAILABLE", status: 502, grpcCode: undefined });
    expect(err.message).to.equal(`GET ${server.url}${routes.roles}?page_size=100 failed (502)`);
    expect(requestsTo(server, "GET", routes.roles)).to.equal(5);
  });

  it("still maps a 404 whose error body has the wrong shape to TorqNotFoundError", async () => {
    const client = await serve((_, res) => answer(res, 404, JSON.stringify({ error: "nope" })));
    const err = await expectRejection(client.getClaimMapping(RULE.id), TorqNotFoundError);
    expect(err.message).to.equal(`GET ${server.url}${routes.claimMapping(RULE.id)}: not found (404)`);
  });

  describe("from the token endpoint", () => {
    async function serveTokens(body: string): Promise<TorqClient> {
      server = await startLoopbackServer((_, res) => answer(res, 200, body));
      return clientOf(server);
    }

    it("reports a token answer that is not JSON as BAD_RESPONSE, and sends no API request", async () => {
      const client = await serveTokens("access_token=abc");
      const err = await expectRejection(client.listRoles(), TorqApiError);
      expect(err.code).to.equal("BAD_RESPONSE");
      expect(err.message).to.equal(`POST ${server.url}${routes.token}: the answer (200) is not JSON`);
      expect(server.received.map((request) => request.method + " " + request.url)).to.deep.equal([`POST ${routes.token}`]);
    });

    it("reports a token of the wrong type as BAD_RESPONSE naming token_type, without showing the token", async () => {
      const client = await serveTokens(JSON.stringify({ access_token: "TOKEN-CANARY-93b1", expires_in: 3600, token_type: "mac" }));
      const err = await expectRejection(client.listRoles(), TorqApiError);
      expect({ code: err.code, field: err.field }).to.deep.equal({ code: "BAD_RESPONSE", field: "token_type" });
      expect(err.message).to.equal(`POST ${server.url}${routes.token}: unexpected answer (200): token_type: Invalid input: expected "Bearer"`);
      expect(err.message).not.to.include("TOKEN-CANARY");
    });
  });
});
