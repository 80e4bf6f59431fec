import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { summary, type InspectJson } from "../../../cli/metadata";
import { MAX_METADATA_BYTES, parseIdpMetadata } from "../../../provider/saml/metadata";
import { EXPECTED_IDP_METADATA } from "./expectedIdpMetadata";
import { CLI_ENTRY, IDP_METADATA_FIXTURES, REPO_ROOT } from "./paths";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `torq-sso` (dist/cli/index.js) as a user would, without a shell. */
function torqSso(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The `--json` document the contract specifies, built from the independently derived expectations. */
function expectedJson(file: string): InspectJson {
  return {
    entities: EXPECTED_IDP_METADATA[file]!.map((entity) => ({
      entityId: entity.entityId,
      singleSignOnServices: entity.singleSignOnServices.map(({ binding, location }) => ({ binding, location })),
      certificates: entity.certificates.map(({ use, fingerprintSha256, notAfter, subject }) => ({
        use,
        fingerprintSha256,
        notAfter,
        subject,
      })),
    })),
  };
}

function fixturePath(file: string): string {
  return path.join(IDP_METADATA_FIXTURES, file);
}

function expectOneLineRefusal(run: Run, message: string): void {
  expect(run).to.deep.equal({ code: 2, stdout: "", stderr: `torq-sso: ${message}\n` });
}

describe("torq-sso metadata inspect", () => {
  describe("--json on every fixture prints exactly the contract's shape", () => {
    const files = readdirSync(IDP_METADATA_FIXTURES).filter((file) => file.endsWith(".xml")).sort();
    for (const file of files) {
      it(file, async () => {
        const run = await torqSso("metadata", "inspect", fixturePath(file), "--json");
        expect({ code: run.code, stderr: run.stderr }).to.deep.equal({ code: 0, stderr: "" });
        expect(JSON.parse(run.stdout)).to.deep.equal(expectedJson(file));
        // Same keys, same order, pretty-printed, one trailing newline.
        expect(run.stdout).to.equal(JSON.stringify(expectedJson(file), null, 2) + "\n");
      });
    }
  });

  it("prints a readable summary that marks Torq's sign-on URL", async () => {
    const run = await torqSso("metadata", "inspect", fixturePath("shibboleth-testshib-providers.xml"));
    expect({ code: run.code, stderr: run.stderr }).to.deep.equal({ code: 0, stderr: "" });
    expect(run.stdout.split("\n").slice(0, 9)).to.deep.equal([
      "IdP https://idp.testshib.org/idp/shibboleth",
      "  wants signed AuthnRequests: no",
      "  single sign-on services:",
      "    urn:mace:shibboleth:1.0:profiles:AuthnRequest  https://idp.testshib.org/idp/profile/Shibboleth/SSO",
      "    HTTP-POST  https://idp.testshib.org/idp/profile/SAML2/POST/SSO",
      "    HTTP-Redirect  https://idp.testshib.org/idp/profile/SAML2/Redirect/SSO  <- Torq's sign-on URL",
      "    SOAP  https://idp.testshib.org/idp/profile/SAML2/SOAP/ECP",
      "  certificates:",
      "    unspecified  CN=idp.testshib.org",
    ]);
  });

  describe("the summary, as of a given day", () => {
    it("gives each certificate's expiry and flags expired metadata", () => {
      const xml = readFileSync(fixturePath("google-workspace-two-signing-certs.xml"), "utf8");
      expect(summary(parseIdpMetadata(xml), new Date("2026-11-30T00:00:00Z"))).to.equal(
        [
          "IdP https://accounts.google.com/o/saml2?idpid=C023zw3x8",
          "  metadata valid until 2026-12-16T17:18:02.000Z",
          "  wants signed AuthnRequests: no",
          "  single sign-on services:",
          "    HTTP-Redirect  https://accounts.google.com/o/saml2/idp?idpid=C023zw3x8  <- Torq's sign-on URL",
          "    HTTP-POST  https://accounts.google.com/o/saml2/idp?idpid=C023zw3x8",
          "  certificates:",
          "    signing  ST=California, C=US, OU=Google For Work, CN=Google, L=Mountain View, O=Google Inc.",
          "      SHA-256 13:B8:E2:64:25:18:22:45:D5:92:97:D2:E6:46:0B:3B:A9:00:4F:23:3E:47:19:00:72:5C:46:78:8F:78:10:3B",
          "      not after 2026-12-16T17:18:02Z (expiring, 16 days left)",
          "    signing  ST=California, C=US, OU=Google For Work, CN=Google, L=Mountain View, O=Google Inc.",
          "      SHA-256 DD:9E:7A:8E:F6:4B:87:BF:11:0A:7E:12:B1:E0:65:0F:8D:0B:D3:AF:BC:2B:68:66:CF:90:9A:DA:56:BA:E5:6F",
          "      not after 2027-04-26T15:47:30Z (valid, 147 days left)",
          "",
        ].join("\n"),
      );
      expect(summary(parseIdpMetadata(xml), new Date("2027-01-01T00:00:00Z"))).to.include(
        "  metadata valid until 2026-12-16T17:18:02.000Z (EXPIRED: ask the IdP for current metadata)\n",
      );
      expect(summary(parseIdpMetadata(xml), new Date("2027-01-01T00:00:00Z"))).to.include(
        "      not after 2026-12-16T17:18:02Z (EXPIRED 16 days ago)\n",
      );
    });
  });

  it("prints its usage on stdout with --help, exit 0, for the command and for its group", async () => {
    const command = await torqSso("metadata", "inspect", "--help");
    expect(command.code).to.equal(0);
    expect(command.stdout.split("\n")[0]).to.equal("usage: torq-sso metadata inspect <file|url> [--json]");
    expect(command.stdout).to.contain("--json");
    const group = await torqSso("metadata", "--help");
    expect(group.code).to.equal(0);
    expect(group.stdout).to.contain("torq-sso metadata inspect <file|url> [--json]");
  });

  describe("bad input: exit 2, nothing on stdout, one line on stderr", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), "torq-sso-inspect-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("no argument", async () => {
      expectOneLineRefusal(await torqSso("metadata", "inspect"), "usage: torq-sso metadata inspect <file|url> [--json]");
    });

    it("an unknown option", async () => {
      expectOneLineRefusal(await torqSso("metadata", "inspect", fixturePath("okta-dev-preview.xml"), "--xml"), "unknown option --xml");
    });

    it("a file that does not exist", async () => {
      const missing = path.join(dir, "missing.xml");
      expectOneLineRefusal(await torqSso("metadata", "inspect", missing, "--json"), `${missing}: no such file`);
    });

    it("a directory", async () => {
      expectOneLineRefusal(await torqSso("metadata", "inspect", dir), `${dir}: not a file`);
    });

    it("a document with a DOCTYPE (XXE)", async () => {
      const file = path.join(dir, "xxe.xml");
      writeFileSync(file, '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>');
      expectOneLineRefusal(
        await torqSso("metadata", "inspect", file, "--json"),
        `${file}: the metadata declares a DOCTYPE; DTDs are refused (entity expansion and external entities), and SAML metadata never needs one`,
      );
    });

    it("a PEM certificate instead of metadata", async () => {
      const file = path.join(dir, "idp.pem");
      writeFileSync(file, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
      expectOneLineRefusal(
        await torqSso("metadata", "inspect", file),
        `${file}: the metadata is not XML (it does not start with '<')`,
      );
    });

    it("an http URL to a host that is not loopback (refused before any request)", async () => {
      expectOneLineRefusal(
        await torqSso("metadata", "inspect", "http://idp.example.com/metadata?token=secret"),
        "refusing http://idp.example.com/metadata: plain http is allowed only for loopback hosts (localhost, 127.0.0.0/8, ::1); use https",
      );
    });

    it("a URL of another scheme", async () => {
      expectOneLineRefusal(
        await torqSso("metadata", "inspect", "ftp://idp.example.com/metadata.xml"),
        "refusing ftp://idp.example.com/metadata.xml: only https (or http to a loopback host) is supported",
      );
    });
  });

  describe("from a URL (a real server on loopback)", () => {
    let server: Server;
    let base: string;
    const google = readFileSync(fixturePath("google-workspace-two-signing-certs.xml"));

    before(async () => {
      server = createServer((req, res) => {
        if (req.url === "/metadata.xml") {
          res.writeHead(200, { "content-type": "application/samlmetadata+xml" }).end(google);
        } else if (req.url === "/moved") {
          res.writeHead(302, { location: "/metadata.xml" }).end();
        } else if (req.url === "/to-plain-http") {
          res.writeHead(302, { location: "http://idp.example.com/metadata" }).end();
        } else if (req.url === "/huge") {
          // No content-length: the cap has to hold while streaming.
          res.writeHead(200, { "content-type": "application/xml" });
          const chunk = Buffer.alloc(1024 * 1024, " ");
          let sent = 0;
          const pump = (): void => {
            while (sent <= MAX_METADATA_BYTES / chunk.length) {
              sent++;
              if (!res.write(chunk)) return void res.once("drain", pump);
            }
            res.end();
          };
          pump();
        } else {
          res.writeHead(404).end("not here");
        }
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("fetches over plain http from 127.0.0.1", async () => {
      const run = await torqSso("metadata", "inspect", `${base}/metadata.xml`, "--json");
      expect(run).to.deep.equal({
        code: 0,
        stdout: JSON.stringify(expectedJson("google-workspace-two-signing-certs.xml"), null, 2) + "\n",
        stderr: "",
      });
    });

    it("follows a redirect on the same loopback host", async () => {
      const run = await torqSso("metadata", "inspect", `${base}/moved`, "--json");
      expect({ code: run.code, entities: JSON.parse(run.stdout).entities.length }).to.deep.equal({ code: 0, entities: 1 });
    });

    it("refuses a redirect to plain http on another host", async () => {
      expectOneLineRefusal(
        await torqSso("metadata", "inspect", `${base}/to-plain-http`),
        "refusing http://idp.example.com/metadata: plain http is allowed only for loopback hosts (localhost, 127.0.0.0/8, ::1); use https",
      );
    });

    it("reports an HTTP error status with method and URL", async () => {
      expectOneLineRefusal(await torqSso("metadata", "inspect", `${base}/missing?x=1`), `GET ${base}/missing answered 404 Not Found`);
    });

    it("stops reading a body larger than the size limit", async () => {
      expectOneLineRefusal(
        await torqSso("metadata", "inspect", `${base}/huge`),
        `GET ${base}/huge answered more than ${MAX_METADATA_BYTES} bytes, refused`,
      );
    });
  });
});
