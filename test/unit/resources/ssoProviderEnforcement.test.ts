import { expect } from "chai";
import { dependenciesPending } from "../../../provider/resources/ssoEnforcement";
import { UNKNOWN } from "../../../provider/unknowns";

describe("SsoEnforcement: when the lockout guard waits for apply", () => {
  // What the sdk passes (see pendingSignals in sdk/ssoProvider.ts): the provider's `enabled`, unknown
  // while the provider is created or updated in the same run; and whether every rule has a workspace
  // id, false in a preview that creates or changes the rules.
  const table: [string, Record<string, unknown>, boolean][] = [
    ["neither the provider nor the rules passed", { ssoOnly: true }, false],
    ["both passed and unchanged in this run", { ssoOnly: true, ssoProviderEnabled: true, claimMappingsApplied: true }, false],
    ["a disabled provider, unchanged (the guard refuses it at preview)", { ssoOnly: true, ssoProviderEnabled: false, claimMappingsApplied: true }, false],
    ["the provider created or updated in this run", { ssoOnly: true, ssoProviderEnabled: UNKNOWN, claimMappingsApplied: true }, true],
    ["the rules created or updated in this run", { ssoOnly: true, ssoProviderEnabled: true, claimMappingsApplied: false }, true],
    ["the rules' outputs not known at all", { ssoOnly: true, claimMappingsApplied: UNKNOWN }, true],
    ["state written by an earlier version (a rule count)", { ssoOnly: true, ssoProviderEnabled: true, claimMappingsApplied: 3 }, false],
  ];
  for (const [name, news, pending] of table) {
    it(`${pending ? "waits" : "guards at preview"} with ${name}`, () => {
      expect(dependenciesPending(news)).to.equal(pending);
    });
  }
});
