// Multiple e-mail domains: an organisation whose people sign in as @example.com and, after an
// acquisition, @example.co.uk. E-mail claims match exactly and case-sensitively, so each address is
// its own rule; domain-wide access comes from a group claim the IdP sends for both domains.
import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";

const config = new pulumi.Config();
const owners = config.getObject<string[]>("owners") ?? ["it-owner@example.com", "it-owner@example.co.uk"];
const domainGroups = config.getObject<string[]>("domainGroups") ?? ["staff-example-com", "staff-example-co-uk"];
// Removing these rules (or `pulumi destroy`) is refused at preview: the resource is protected by
// default, and while the workspace has an SSO provider the lockout guard refuses it too. The
// documented way out: `pulumi config set allowLockout true`, `pulumi up` (it changes nothing in the
// workspace, only releases the protection and records the setting), then destroy. Leave it unset
// otherwise: it switches the lockout guard off.
const allowLockout = config.getBoolean("allowLockout") ?? false;

const rules = new torq.ClaimMappings("multi-domain", {
  mappings: [
    ...owners.map((email) => ({ claimName: "email", claimValue: email, role: "Owner" })),
    { claimName: "groups", claimValue: "security", role: "Operator" },
    ...domainGroups.map((group) => ({ claimName: "groups", claimValue: group, role: "Viewer" })),
  ],
  breakGlassOwners: owners,
  expectations: [
    { claims: { email: "someone@example.co.uk", groups: ["staff-example-co-uk"] }, role: "Viewer" },
    { claims: { email: "IT-Owner@example.com" }, role: null },
  ],
  allowLockout,
}, { protect: !allowLockout });

// The rules as applied, without each rule's workspace id and rank: a dynamic resource's preview shows
// its outputs as its inputs, so exporting those would read as removed in every preview that changes.
export const appliedRules = rules.mappings.apply((applied) => applied.map(({ claimName, claimValue, role }) => ({ claimName, claimValue, role })));
