import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { buildPackageSchema, packageSchemaText } from "../../provider/schemas/packageSchema";
import { REPO_ROOT } from "../support/repo";

describe("schema.json", () => {
  const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

  it("is what `make schema` generates from provider/schemas (run `make schema` when this fails)", () => {
    const checkedIn = readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8");
    expect(checkedIn).to.equal(packageSchemaText(version));
  });

  it("declares the three resources with their required inputs, and the client secret as a secret", () => {
    const schema = buildPackageSchema(version) as { resources: Record<string, { requiredInputs: string[]; inputProperties: Record<string, { secret?: boolean }>; properties: Record<string, unknown> }> };
    expect(Object.keys(schema.resources)).to.deep.equal(["torq:index:ClaimMappings", "torq:index:SsoProvider", "torq:index:SsoEnforcement"]);
    expect(schema.resources["torq:index:ClaimMappings"]!.requiredInputs).to.deep.equal(["mappings"]);
    expect(schema.resources["torq:index:SsoProvider"]!.inputProperties["clientSecret"]!.secret).to.equal(true);
    expect(schema.resources["torq:index:SsoProvider"]!.properties).to.not.have.property("clientSecret");
    expect(schema.resources["torq:index:SsoProvider"]!.properties).to.include.keys("loginRedirectUrl", "audience", "certificateFingerprint", "certificateNotAfter");
  });
});
