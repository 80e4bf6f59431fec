import { expect } from "chai";
import { configProblems, configSourceOf } from "../../../plugin/providerConfig";
import { engineAddressOf } from "../../../plugin/main";

describe("the plugin's configuration", () => {
  it("reads the provider's inputs under the stack config's keys, as the provider code asks for them", () => {
    const config = configSourceOf({ apiUrl: "https://api.example.com", clientId: "id", retries: 3 });
    expect(config.get("torq:apiUrl")).to.equal("https://api.example.com");
    expect(config.get("torq:clientId")).to.equal("id");
    expect(config.get("torq:retries")).to.equal("3");
    expect(config.get("torq:clientSecret")).to.equal(undefined);
  });

  it("finds nothing wrong with credentials left to the environment, and names a bad region or a plain-http URL", () => {
    expect(configProblems({}, {})).to.deep.equal([]);
    expect(configProblems({ region: "mars" }, {})).to.deep.equal(['torq:region (TORQ_REGION) must be "us" or "eu", not "mars"']);
    expect(configProblems({ apiUrl: "http://api.example.com" }, {})).to.deep.equal([
      "torq:apiUrl (TORQ_API_URL) must be an https URL (http is allowed only for loopback hosts)",
    ]);
    expect(configProblems({ apiUrl: "http://127.0.0.1:8080", clientId: "id" }, {})).to.deep.equal([]);
  });

  it("takes the engine's address from its arguments, skipping the flags the engine may pass first", () => {
    expect(engineAddressOf(["127.0.0.1:4000"])).to.equal("127.0.0.1:4000");
    expect(engineAddressOf(["--logtostderr", "-v=9", "--tracing", "http://t", "127.0.0.1:4000"])).to.equal("127.0.0.1:4000");
    expect(engineAddressOf([])).to.equal(undefined);
  });
});
