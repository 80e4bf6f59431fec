/**
 * The one fixture of the e2e suites: a local workspace on loopback with its test hooks, an Owner API
 * client for it, optionally the OIDC provider most suites want (so the lockout guard's rule 1 applies),
 * and a Pulumi project pointed at the workspace — made in the suite's `before`, gone in its `after`.
 */
import type { WorkspaceOptions, Workspace } from "../../emulator";
import type { TorqClient } from "../../provider/client/client";
import type { PutSsoProvider } from "../../provider/schemas/api";
import { createProject, startWorkspace, type ProjectOptions, type PulumiProject } from "./harness";
import { clientFor } from "./workspaceTools";

/** The SSO provider a suite puts in its workspace when it only needs one to exist. */
export const TEST_OIDC_PROVIDER: PutSsoProvider = {
  protocol: "oidc",
  issuer_url: "https://idp.example.com",
  client_id: "torq",
  client_secret: "s3cret-value",
  grant_type: "code",
};

/** A workspace, its Owner client and a project on it. */
export interface Scene {
  workspace: Workspace;
  client: TorqClient;
  project: PulumiProject;
}

export interface SceneOptions {
  /** Options of the local workspace besides the port and the test hooks (always on). */
  workspace?: Omit<WorkspaceOptions, "port" | "testHooks">;
  /** Put TEST_OIDC_PROVIDER in the workspace before the project is made. */
  ssoProvider?: boolean;
  /** The project, made after the workspace (and its SSO provider). */
  project: Omit<ProjectOptions, "workspace">;
}

/**
 * Registers the suite's `before` and `after` hooks: `before` starts the scene and hands it to
 * `receive` (which usually assigns it to the suite's variables), `after` disposes of the project and
 * closes the workspace.
 */
export function useScene(options: SceneOptions | (() => SceneOptions), receive: (scene: Scene) => void): void {
  let scene: Partial<Scene> = {};
  before(async () => {
    const { workspace: workspaceOptions, ssoProvider, project } = typeof options === "function" ? options() : options;
    const workspace = await startWorkspace({ ...workspaceOptions, port: 0, testHooks: true });
    scene = { workspace };
    const client = clientFor(workspace);
    scene.client = client;
    if (ssoProvider) await client.putSsoProvider(TEST_OIDC_PROVIDER);
    scene.project = await createProject({ ...project, workspace });
    receive(scene as Scene);
  });
  after(async () => {
    scene.project?.dispose();
    await scene.workspace?.close();
  });
}
