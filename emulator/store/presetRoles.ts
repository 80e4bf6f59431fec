/**
 * Torq's preset roles, as every local workspace starts with them. The ids are fixed so they are the
 * same in every workspace and across restarts; only Owner has `user.write`, which SSO and
 * claim-mapping calls need.
 */
import { OWNER_ROLE } from "../../provider/schemas/claimMappings";
import type { Role } from "../../provider/schemas/api";

/** The scope an API key's role needs for every public call of the workspace API. */
export const USER_WRITE_SCOPE = "user.write";

const READ_SCOPES = ["workflow.read", "integration.read", "case.read", "user.read", "settings.read", "audit_log.read"];

/** The preset Owner role's id. */
export const OWNER_ROLE_ID = "1f39bb03-c778-4607-909e-4d8dbf20dc69";

/** The six presets, in the order the workspace lists them. */
export const PRESET_ROLES: readonly Role[] = [
  {
    id: OWNER_ROLE_ID,
    name: OWNER_ROLE,
    description: "Full access to the workspace, including users, roles, API keys and SSO.",
    scope_names: [
      ...READ_SCOPES,
      "workflow.write",
      "workflow.execute",
      "integration.write",
      "case.write",
      "interaction.respond",
      USER_WRITE_SCOPE,
      "settings.write",
    ],
    is_custom: false,
  },
  {
    id: "432418a4-edd1-404c-b560-4e60c350628a",
    name: "Contributor",
    description: "Builds and runs workflows and manages integrations; cannot manage users or SSO.",
    scope_names: [...READ_SCOPES, "workflow.write", "workflow.execute", "integration.write", "case.write", "interaction.respond"],
    is_custom: false,
  },
  {
    id: "3c4a0a29-12a7-452f-9b25-7dbf3b0fbf7a",
    name: "Creator",
    description: "Creates and edits workflows and runs them.",
    scope_names: ["workflow.read", "integration.read", "case.read", "workflow.write", "workflow.execute", "interaction.respond"],
    is_custom: false,
  },
  {
    id: "fde35734-3340-42a3-9ab7-1983d312e053",
    name: "Operator",
    description: "Runs workflows and works cases.",
    scope_names: ["workflow.read", "case.read", "workflow.execute", "case.write", "interaction.respond"],
    is_custom: false,
  },
  {
    id: "289a39e2-a0b8-4424-bc5f-26b1a8969d88",
    name: "Viewer",
    description: "Read-only access to the workspace.",
    scope_names: READ_SCOPES,
    is_custom: false,
  },
  {
    id: "c7e42b8c-4222-46cf-a85a-4702003cdf3a",
    name: "Interact Only",
    description: "Answers the interactions (e.g. Slack or Teams prompts) that workflows send.",
    scope_names: ["interaction.respond"],
    is_custom: false,
  },
];
