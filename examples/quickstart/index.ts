// The quickstart: who may sign in to the workspace through SSO, and with which role.
// Rules are evaluated top-down and the first match decides; the owner e-mail rule comes first so no
// later rule can shadow it (the provider refuses any plan that would lock the owners out).
import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";

const config = new pulumi.Config();
const owner = config.get("ownerEmail") ?? "owner@example.com";

const rules = new torq.ClaimMappings("sso-rules", {
  mappings: [
    { claimName: "email", claimValue: owner, role: "Owner" },
    { claimName: "groups", claimValue: "platform-admins", role: "Contributor" },
    { claimName: "groups", claimValue: "engineering", role: "Operator" },
    { claimName: "groups", claimValue: "everyone", role: "Viewer" },
  ],
  breakGlassOwners: [owner],
  expectations: [
    { claims: { email: "dev@example.com", groups: ["engineering", "everyone"] }, role: "Operator" },
    { claims: { email: "contractor@example.com", groups: [] }, role: null },
  ],
});

// The rules as applied, without each rule's workspace id and rank: a dynamic resource's preview shows
// its outputs as its inputs, so exporting those would read as removed in every preview that changes.
export const appliedRules = rules.mappings.apply((applied) => applied.map(({ claimName, claimValue, role }) => ({ claimName, claimValue, role })));
