/**
 * Test logins per second through the local workspace and the dev IdPs, all on loopback: the OIDC
 * code flow (PKCE, token request, ID token and UserInfo checks), the OIDC implicit flow (form_post),
 * and SAML (AuthnRequest, signed Response and Assertion, node-saml and the workspace's own checks).
 * Each login is a full headless browser run: every redirect, form and cookie. The workspace keeps its
 * data in an SQLite file (synchronous=FULL, as `workspace serve --data` does). Bounded by a login
 * count and TIME_CAP_MS per scenario.
 *
 *   node dist/bench/login.js [--clients N] [--logins N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { TorqClient } from "../provider/client/client";
import type { PutSsoProvider } from "../provider/schemas/api";
import { startWorkspace } from "../emulator";
import { signInHeadlessly } from "../cli/userAgent/headlessSignIn";
import { startDevIdps } from "../devidp";

const TIME_CAP_MS = 20_000;
const WARMUP_LOGINS = 10;
const USERS = ["owner", "admin", "dev", "sre", "viewer"];

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0 || value > 10_000) throw new Error(`--${name} must be an integer from 1 to 10000`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const clients = flag("clients", 4);
  const logins = flag("logins", 300);
  const dir = mkdtempSync(join(tmpdir(), "torq-bench-login-"));
  const workspace = await startWorkspace({ port: 0, dataFile: join(dir, "ws.db"), rateLimitPerSecond: null });
  const idps = await startDevIdps({ redirectUri: `${workspace.url}/__/auth/handler` });
  try {
    const client = new TorqClient({ apiUrl: workspace.url, authUrl: workspace.url, clientId: workspace.ownerKey.client_id, clientSecret: workspace.ownerKey.client_secret });
    const roles = new Map((await client.listRoles()).map((role) => [role.name, role.id]));
    for (const [claim_name, claim_value, role] of [
      ["email", "owner@example.com", "Owner"],
      ["groups", "platform-admins", "Contributor"],
      ["groups", "engineering", "Operator"],
      ["groups", "everyone", "Viewer"],
    ] as const) {
      await client.createClaimMapping({ claim_name, claim_value, role_id: roles.get(role)! });
    }
    const scenarios: { name: string; provider: PutSsoProvider }[] = [
      { name: "OIDC code flow", provider: { protocol: "oidc", issuer_url: idps.oidc.issuer, client_id: idps.oidc.client.clientId, client_secret: idps.oidc.client.clientSecret, grant_type: "code" } },
      { name: "OIDC implicit flow", provider: { protocol: "oidc", issuer_url: idps.oidc.issuer, client_id: idps.oidc.client.clientId, grant_type: "implicit" } },
      { name: "SAML (HTTP-Redirect + POST)", provider: { protocol: "saml", sign_on_url: idps.saml.signOnUrl, issuer: idps.saml.entityId, certificate: idps.saml.signer.certificatePem } },
    ];
    process.stdout.write(`test logins over loopback: ${clients} concurrent browsers, up to ${logins} logins or ${TIME_CAP_MS / 1000}s per scenario (Node ${process.version})\n`);
    for (const scenario of scenarios) {
      await client.putSsoProvider(scenario.provider);
      let next = 0;
      let failures = 0;
      const latencies: number[] = [];
      const run = async (count: number, record: boolean, deadline: number) => {
        while (next < count && performance.now() < deadline) {
          const user = USERS[next++ % USERS.length]!;
          const started = performance.now();
          const outcome = await signInHeadlessly({ workspaceUrl: workspace.url, user });
          if (!outcome.granted) failures++;
          if (record) latencies.push(performance.now() - started);
        }
      };
      await Promise.all(Array.from({ length: clients }, () => run(WARMUP_LOGINS, false, Infinity)));
      next = 0;
      failures = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: clients }, () => run(logins, true, started + TIME_CAP_MS)));
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      process.stdout.write(
        `  ${scenario.name.padEnd(28)} ${String(latencies.length).padStart(5)} logins in ${seconds.toFixed(2)}s = ${(latencies.length / seconds).toFixed(1).padStart(6)} logins/s` +
          `  p50 ${percentile(latencies, 50).toFixed(1)} ms  p95 ${percentile(latencies, 95).toFixed(1)} ms  refused ${failures}\n`,
      );
    }
  } finally {
    await idps.close();
    await workspace.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/login: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
