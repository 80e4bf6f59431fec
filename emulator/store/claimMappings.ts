/**
 * The claim-mapping list in the database, and its version: a counter bumped by every claim-mapping
 * write, served as the list's strong ETag.
 *
 * Rules are ordered by a sparse `position`; a rule's rank (1..n, what the API serves) is its place
 * in that order. So an append, a delete and a move each write one row, whatever the list's length
 * (ranks stored as 1..n would make a move rewrite every rule between the two places), and a page is
 * read straight from the position index. A move goes to the midpoint between its new neighbours;
 * when two neighbours have no integer left between them, the list is renumbered (rarely: after
 * some 20 moves into the same gap).
 */
import type { ClaimMapping } from "../../provider/schemas/api";
import type { WorkspaceDatabase } from "./database";
import { readMeta, writeMeta } from "./meta";

/** The fields of a rule besides its id and rank. */
export type RuleFields = Pick<ClaimMapping, "claim_name" | "claim_value" | "role_id">;

/** The gap between neighbours after an append or a renumbering. */
const POSITION_STEP = 2 ** 20;
/** Positions stay within ±this, so they are exact as JavaScript numbers; past it the list is renumbered. */
const POSITION_LIMIT = 2 ** 50;
/** Below every position in use (they are within ±POSITION_LIMIT): renumbering's first pass parks rules there. */
const PARKING = 2 ** 51;

const COLUMNS = "id, claim_name, claim_value, role_id";

type Row = Omit<ClaimMapping, "rank">;

function ranked(rows: readonly Row[], firstRank: number): ClaimMapping[] {
  return rows.map((row, index) => ({ id: row.id, claim_name: row.claim_name, claim_value: row.claim_value, role_id: row.role_id, rank: firstRank + index }));
}

/** Up to `limit` rules (-1: all) from rank `offset + 1` on, in rank order. */
export function claimMappingPage(db: WorkspaceDatabase, offset: number, limit: number): ClaimMapping[] {
  const rows = db.all<Row>(`SELECT ${COLUMNS} FROM claim_mappings ORDER BY position LIMIT :limit OFFSET :offset`, { limit, offset });
  return ranked(rows, offset + 1);
}

/** The rules in rank order. */
export function listClaimMappings(db: WorkspaceDatabase): ClaimMapping[] {
  return claimMappingPage(db, 0, -1);
}

/** How many rules the list has. */
export function countClaimMappings(db: WorkspaceDatabase): number {
  return db.get<{ n: number }>("SELECT count(*) AS n FROM claim_mappings")!.n;
}

/** The rule `id` with its rank, or undefined. */
export function findClaimMapping(db: WorkspaceDatabase, id: string): ClaimMapping | undefined {
  return db.get<ClaimMapping>(
    `SELECT id, claim_name, claim_value, role_id,
            (SELECT count(*) FROM claim_mappings AS p WHERE p.position < c.position) + 1 AS rank
       FROM claim_mappings AS c WHERE id = :id`,
    { id },
  );
}

/** Whether the rule `id` exists. */
export function claimMappingExists(db: WorkspaceDatabase, id: string): boolean {
  return db.get("SELECT 1 FROM claim_mappings WHERE id = :id", { id }) !== undefined;
}

/** Gives every rule the position rank × POSITION_STEP (two passes: `position` is UNIQUE at every row). */
function renumber(db: WorkspaceDatabase): void {
  db.run(
    `UPDATE claim_mappings SET position = -${PARKING} - ordered.rank
       FROM (SELECT id AS rule_id, row_number() OVER (ORDER BY position) AS rank FROM claim_mappings) AS ordered
      WHERE claim_mappings.id = ordered.rule_id`,
  );
  db.run(`UPDATE claim_mappings SET position = (-${PARKING} - position) * ${POSITION_STEP}`);
}

function withinLimit(position: number): boolean {
  return Math.abs(position) <= POSITION_LIMIT;
}

/** Appends a rule last (how a POST places a new rule); returns it with its rank. */
export function appendClaimMapping(db: WorkspaceDatabase, id: string, fields: RuleFields): ClaimMapping {
  const { last, count } = db.get<{ last: number | null; count: number }>("SELECT max(position) AS last, count(*) AS count FROM claim_mappings")!;
  let position = last === null ? POSITION_STEP : last + POSITION_STEP;
  if (!withinLimit(position)) {
    renumber(db);
    position = (count + 1) * POSITION_STEP;
  }
  db.run(
    "INSERT INTO claim_mappings (id, claim_name, claim_value, role_id, position) VALUES (:id, :claim_name, :claim_value, :role_id, :position)",
    { id, claim_name: fields.claim_name, claim_value: fields.claim_value, role_id: fields.role_id, position },
  );
  return { id, ...fields, rank: count + 1 };
}

/**
 * The position that puts the rule now at `current` at `rank` (1..n): between the (rank-1)-th and
 * the rank-th of the other rules. Renumbers first when there is no room there (and then the rule
 * is found again by `id`). Other rules are told apart by position, not id, so the scan reads the
 * position index alone.
 */
function positionForRank(db: WorkspaceDatabase, id: string, current: number, rank: number): number {
  for (let attempt = 0; ; attempt++) {
    const neighbours = db
      .all<{ position: number }>("SELECT position FROM claim_mappings WHERE position <> :current ORDER BY position LIMIT 2 OFFSET :offset", {
        current,
        offset: Math.max(rank - 2, 0),
      })
      .map((row) => row.position);
    const [before, after] = rank === 1 ? [undefined, neighbours[0]] : neighbours;
    let position: number;
    if (before === undefined) position = after === undefined ? current : after - POSITION_STEP;
    else if (after === undefined) position = before + POSITION_STEP;
    else position = before + Math.floor((after - before) / 2);
    const roomy = position !== before && withinLimit(position);
    if (roomy || attempt > 0) return position;
    renumber(db);
    current = db.get<{ position: number }>("SELECT position FROM claim_mappings WHERE id = :id", { id })!.position;
  }
}

/**
 * Changes rule `id` by `fields` and, if `rank` is given, moves it there; returns it as it now is,
 * or undefined when there is no such rule.
 */
export function updateClaimMapping(db: WorkspaceDatabase, id: string, fields: Partial<RuleFields>, rank: number | undefined): ClaimMapping | undefined {
  const row = db.get<Row & { position: number }>(`SELECT ${COLUMNS}, position FROM claim_mappings WHERE id = :id`, { id });
  if (row === undefined) return undefined;
  const updated: Row = {
    id,
    claim_name: fields.claim_name ?? row.claim_name,
    claim_value: fields.claim_value ?? row.claim_value,
    role_id: fields.role_id ?? row.role_id,
  };
  const position = rank === undefined ? row.position : positionForRank(db, id, row.position, rank);
  db.run("UPDATE claim_mappings SET claim_name = :claim_name, claim_value = :claim_value, role_id = :role_id, position = :position WHERE id = :id", {
    ...updated,
    position,
  });
  return { ...updated, rank: rank ?? rankAt(db, position) };
}

function rankAt(db: WorkspaceDatabase, position: number): number {
  return db.get<{ n: number }>("SELECT count(*) AS n FROM claim_mappings WHERE position < :position", { position })!.n + 1;
}

/** Removes rule `id` (the rules after it move up one rank); returns whether it existed. */
export function deleteClaimMapping(db: WorkspaceDatabase, id: string): boolean {
  return db.run("DELETE FROM claim_mappings WHERE id = :id", { id }) > 0;
}

/** Removes every rule (the caller bumps the version). */
export function deleteAllClaimMappings(db: WorkspaceDatabase): void {
  db.run("DELETE FROM claim_mappings");
}

/** The list's current version (0 before the first write). */
export function readListVersion(db: WorkspaceDatabase): number {
  return Number(readMeta(db, "claim_mappings_version") ?? "0");
}

/** Bumps the list version (every claim-mapping write, and a wipe); returns the new version. */
export function bumpListVersion(db: WorkspaceDatabase): number {
  const version = readListVersion(db) + 1;
  writeMeta(db, "claim_mappings_version", String(version));
  return version;
}
