/** The workspace's roles: the presets, then custom roles in the order they were created. */
import { randomUUID } from "node:crypto";
import type { Role } from "../../provider/schemas/api";
import type { WorkspaceDatabase } from "./database";

interface RoleRow {
  id: string;
  name: string;
  description: string;
  scope_names: string;
  is_custom: number;
}

const COLUMNS = "id, name, description, scope_names, is_custom";

function toRole(row: RoleRow): Role {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    scope_names: JSON.parse(row.scope_names) as string[],
    is_custom: row.is_custom === 1,
  };
}

/** Every role: presets first, then custom roles by creation. */
export function listRoles(db: WorkspaceDatabase): Role[] {
  return db.all<RoleRow>(`SELECT ${COLUMNS} FROM roles ORDER BY is_custom, rowid`).map(toRole);
}

/** The role with this id, or undefined. */
export function findRoleById(db: WorkspaceDatabase, id: string): Role | undefined {
  const row = db.get<RoleRow>(`SELECT ${COLUMNS} FROM roles WHERE id = :id`, { id });
  return row && toRole(row);
}

/** The role with this name (case-sensitive), or undefined. */
export function findRoleByName(db: WorkspaceDatabase, name: string): Role | undefined {
  const row = db.get<RoleRow>(`SELECT ${COLUMNS} FROM roles WHERE name = :name`, { name });
  return row && toRole(row);
}

/** Adds a custom role; the caller has checked that the name is free. */
export function insertCustomRole(
  db: WorkspaceDatabase,
  role: { name: string; description?: string | undefined; scope_names: string[] },
): Role {
  const created: Role = {
    id: randomUUID(),
    name: role.name,
    description: role.description ?? "",
    scope_names: role.scope_names,
    is_custom: true,
  };
  db.run(
    `INSERT INTO roles (id, name, description, scope_names, is_custom) VALUES (:id, :name, :description, :scope_names, 1)`,
    { id: created.id, name: created.name, description: created.description, scope_names: JSON.stringify(created.scope_names) },
  );
  return created;
}

/** Removes every custom role (keys and rules using them must be gone first). */
export function deleteCustomRoles(db: WorkspaceDatabase): void {
  db.run("DELETE FROM roles WHERE is_custom = 1");
}
