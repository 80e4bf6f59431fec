#!/usr/bin/env node
/**
 * `node dist/devidp/serve.js --workspace URL [--configure oidc|oidc-implicit|saml] [--json]`: runs
 * the dev OIDC and SAML IdPs until SIGINT/SIGTERM, the OIDC client registered for the workspace's
 * Login Redirect URL. With `--configure`, it also points the workspace's SSO provider at one of them
 * (with the Owner key from TORQ_CLIENT_ID / TORQ_CLIENT_SECRET), so `torq-sso test-login` works at
 * once. Prints what a provider needs (a banner, or with `--json` one JSON line). Dev-only.
 */
import { TorqClient } from "../provider/client/client";
import type { PutSsoProvider } from "../provider/schemas/api";
import { startDevIdps, type DevIdps } from "./index";

interface Options {
  workspace: string;
  configure: "oidc" | "oidc-implicit" | "saml" | undefined;
  json: boolean;
  oidcPort: number;
  samlPort: number;
}

function fail(message: string): never {
  process.stderr.write(`devidp: ${message}\n`);
  process.exit(2);
}

function parse(args: string[]): Options {
  const options: Partial<Options> = { json: false, oidcPort: 0, samlPort: 0 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => args[++i] ?? fail(`${arg} needs a value`);
    if (arg === "--workspace") options.workspace = value().replace(/\/$/, "");
    else if (arg === "--configure") {
      const protocol = value();
      if (protocol !== "oidc" && protocol !== "oidc-implicit" && protocol !== "saml") fail("--configure takes oidc, oidc-implicit or saml");
      options.configure = protocol;
    } else if (arg === "--oidc-port") options.oidcPort = Number(value());
    else if (arg === "--saml-port") options.samlPort = Number(value());
    else if (arg === "--json") options.json = true;
    else fail(`unknown argument ${arg} (usage: serve.js --workspace URL [--configure oidc|oidc-implicit|saml] [--oidc-port N] [--saml-port N] [--json])`);
  }
  if (options.workspace === undefined) fail("--workspace URL is required (the local workspace the IdPs send users back to)");
  return options as Options;
}

function providerFor(idps: DevIdps, protocol: "oidc" | "oidc-implicit" | "saml"): PutSsoProvider {
  if (protocol === "saml") return { protocol: "saml", sign_on_url: idps.saml.signOnUrl, issuer: idps.saml.entityId, certificate: idps.saml.signer.certificatePem };
  return {
    protocol: "oidc",
    issuer_url: idps.oidc.issuer,
    client_id: idps.oidc.client.clientId,
    client_secret: idps.oidc.client.clientSecret,
    grant_type: protocol === "oidc" ? "code" : "implicit",
  };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const redirectUri = `${options.workspace}/__/auth/handler`;
  const idps = await startDevIdps({ redirectUri, oidcPort: options.oidcPort, samlPort: options.samlPort });
  if (options.configure !== undefined) {
    const clientId = process.env["TORQ_CLIENT_ID"];
    const clientSecret = process.env["TORQ_CLIENT_SECRET"];
    if (!clientId || !clientSecret) fail("--configure needs the workspace's Owner key in TORQ_CLIENT_ID and TORQ_CLIENT_SECRET");
    const client = new TorqClient({ apiUrl: options.workspace, authUrl: options.workspace, clientId, clientSecret });
    await client.putSsoProvider(providerFor(idps, options.configure));
  }
  const summary = {
    oidc: { issuer_url: idps.oidc.issuer, client_id: idps.oidc.client.clientId, client_secret: idps.oidc.client.clientSecret, redirect_uri: redirectUri },
    saml: { metadata_url: idps.saml.metadataUrl, entity_id: idps.saml.entityId, sign_on_url: idps.saml.signOnUrl },
    users: idps.users.map((u) => ({ name: u.name, email: u.email, groups: u.groups })),
    configured: options.configure ?? null,
  };
  if (options.json) process.stdout.write(JSON.stringify(summary) + "\n");
  else {
    process.stdout.write(
      [
        `Dev OIDC IdP: ${summary.oidc.issuer_url} (client ${summary.oidc.client_id}, secret ${summary.oidc.client_secret}, redirect ${redirectUri})`,
        `Dev SAML IdP: metadata ${summary.saml.metadata_url}`,
        `Test users: ${idps.users.map((u) => u.name).join(", ")}`,
        options.configure ? `The workspace's SSO provider now points at the ${options.configure} IdP.` : "",
        "Press Ctrl+C to stop.",
      ].join("\n") + "\n",
    );
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await idps.close();
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message.split("\n")[0]! : String(err)));
