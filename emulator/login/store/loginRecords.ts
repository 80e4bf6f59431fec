/**
 * The login log: every sign-in the workspace decided, granted or refused, with who, the deciding
 * rule and the role, or the reason it refused. `GET /_local/logins` serves it.
 */
import type { WorkspaceDatabase } from "../../store/database";
import type { LoginRecord } from "../loginResult";

interface Row {
  seq: number;
  at: string;
  protocol: "oidc" | "saml";
  outcome: "granted" | "refused";
  email: string | null;
  role: string | null;
  rule_rank: number | null;
  rule_claim_name: string | null;
  rule_claim_value: string | null;
  reason: string | null;
  message: string | null;
}

/** Appends one decided sign-in to the log. */
export function recordLogin(db: WorkspaceDatabase, record: Omit<LoginRecord, "seq">): void {
  db.write(
    () => {
      db.run(
        `INSERT INTO logins (at, protocol, outcome, email, role, rule_rank, rule_claim_name, rule_claim_value, reason, message)
         VALUES (:at, :protocol, :outcome, :email, :role, :rule_rank, :rule_claim_name, :rule_claim_value, :reason, :message)`,
        {
          at: record.at,
          protocol: record.protocol,
          outcome: record.outcome,
          email: record.email,
          role: record.role,
          rule_rank: record.rule?.rank ?? null,
          rule_claim_name: record.rule?.claimName ?? null,
          rule_claim_value: record.rule?.claimValue ?? null,
          reason: record.reason,
          message: record.message,
        },
      );
    },
    { snapshot: false },
  );
}

/** The log, oldest first. */
export function listLogins(db: WorkspaceDatabase): LoginRecord[] {
  return db.all<Row>("SELECT * FROM logins ORDER BY seq").map((row) => ({
    seq: row.seq,
    at: row.at,
    protocol: row.protocol,
    outcome: row.outcome,
    email: row.email,
    role: row.role,
    rule: row.rule_rank === null ? null : { rank: row.rule_rank, claimName: row.rule_claim_name!, claimValue: row.rule_claim_value! },
    reason: row.reason,
    message: row.message,
  }));
}

/** Empties the log and the pending requests (a data wipe). Call inside a write. */
export function deleteLoginRecords(db: WorkspaceDatabase): void {
  db.run("DELETE FROM logins");
  db.run("DELETE FROM login_requests");
}
