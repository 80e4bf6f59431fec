/**
 * The test users both dev IdPs know, picked by `name` on the IdP's sign-in form (or its `user`
 * query parameter). Their e-mail addresses and groups line up with examples/quickstart, so the
 * quickstart's rules give them different roles.
 */

/** A user a dev IdP signs in without a password. */
export interface TestUser {
  /** What the sign-in form's `user` field takes, e.g. `dev`. */
  readonly name: string;
  readonly email: string;
  readonly displayName: string;
  /** Sent as the multi-valued `groups` claim / attribute. */
  readonly groups: readonly string[];
}

export const DEFAULT_TEST_USERS: readonly TestUser[] = [
  { name: "owner", email: "owner@example.com", displayName: "Olivia Owner", groups: ["everyone"] },
  { name: "admin", email: "admin@example.com", displayName: "Adam Admin", groups: ["platform-admins", "everyone"] },
  { name: "dev", email: "dev@example.com", displayName: "Dana Developer", groups: ["engineering", "everyone"] },
  { name: "sre", email: "sre@example.com", displayName: "Sam Reliability", groups: ["sre", "engineering", "everyone"] },
  { name: "viewer", email: "viewer@example.com", displayName: "Vic Viewer", groups: ["everyone"] },
  { name: "contractor", email: "contractor@example.com", displayName: "Cory Contractor", groups: [] },
];

/** The user called `name`, or one whose e-mail is `name` (a login hint). */
export function findTestUser(users: readonly TestUser[], name: string | null | undefined): TestUser | undefined {
  if (name === null || name === undefined || name === "") return undefined;
  return users.find((user) => user.name === name || user.email === name);
}
