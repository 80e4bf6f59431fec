import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { WorkspaceDatabase } from "../../emulator/store/database";

describe("the data file layout for test logins", () => {
  it("brings a layout-1 file (before test logins) up to layout 2, keeping its provider", () => {
    const dir = mkdtempSync(join(tmpdir(), "torq-layout-"));
    const file = join(dir, "old.db");
    try {
      const old = new DatabaseSync(file);
      old.exec(`CREATE TABLE sso_provider (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), record TEXT NOT NULL, client_secret_hash TEXT);
        INSERT INTO sso_provider VALUES (1, '{"protocol":"oidc"}', 'abc');
        PRAGMA user_version = 1;`);
      old.close();
      const db = new WorkspaceDatabase(file);
      try {
        expect(db.get<{ user_version: number }>("PRAGMA user_version")!.user_version).to.equal(2);
        expect(db.get("SELECT record, client_secret_hash, client_secret_sealed FROM sso_provider")).to.deep.equal({ record: '{"protocol":"oidc"}', client_secret_hash: "abc", client_secret_sealed: null });
        expect(db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('logins', 'login_requests') ORDER BY name").map((t) => t.name)).to.deep.equal(["login_requests", "logins"]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
