// Group-based roles: the IdP sends a `groups` claim (a list); the first rule whose value is one of the
// user's groups decides. Highest privilege first, as the Torq set-up guide recommends.
import * as pulumi from "@pulumi/pulumi";
import * as torq from "pulumi-torq-sso";

const config = new pulumi.Config();
const owners = config.getObject<string[]>("owners") ?? ["alice@example.com", "bob@example.com"];
const order = config.getObject<string[]>("groupOrder") ?? ["torq-admins", "sec-engineers", "soc-analysts", "auditors"];
// Removing these rules (or `pulumi destroy`) is refused at preview: the resource is protected by
// default, and while the workspace has an SSO provider the lockout guard refuses it too. The
// documented way out: `pulumi config set allowLockout true`, `pulumi up` (it changes nothing in the
// workspace, only releases the protection and records the setting), then destroy. Leave it unset
// otherwise: it switches the lockout guard off.
const allowLockout = config.getBoolean("allowLockout") ?? false;

const roleOfGroup: Record<string, string> = {
  "torq-admins": "Contributor",
  "sec-engineers": "Creator",
  "soc-analysts": "Operator",
  auditors: "Viewer",
};

const rules = new torq.ClaimMappings("group-roles", {
  mappings: [
    // Two owners by e-mail, so losing one account never locks the workspace.
    ...owners.map((email) => ({ claimName: "email", claimValue: email, role: "Owner" })),
    ...order.map((group) => ({ claimName: "groups", claimValue: group, role: roleOfGroup[group] ?? "Viewer" })),
  ],
  breakGlassOwners: owners,
  expectations: [{ claims: { email: "carol@example.com", groups: ["auditors"] }, role: "Viewer" }],
  allowLockout,
}, { protect: !allowLockout });

export const ruleCount = rules.mappings.apply((m) => m.length);
