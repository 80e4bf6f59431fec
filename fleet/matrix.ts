/**
 * A CI matrix of a fleet: one entry per workspace, or the fleet cut into shards, for CI systems that
 * run one job per entry (GitHub Actions' `strategy.matrix: ${{ fromJSON(...) }}`). Every entry has the
 * same fields, so a workflow is written once for both: `name` for artifacts, `workspaces` for `--only`.
 */
import type { Fleet } from "./loadFleetFile";
import { FleetUsageError } from "./errors";

/** One job of the matrix. */
export interface MatrixEntry {
  /** The workspace's name, or `shard-N`: unique, safe in an artifact's name. */
  name: string;
  /** The workspaces of the job, comma-separated: the value of `--only`. */
  workspaces: string;
  /** The waves they belong to, comma-separated. */
  wave: string;
  /**
   * Per-workspace entries: the names of the environment variables its fleet entry reads the API key
   * from, so a job can map its CI secrets onto them (`${{ secrets[matrix.clientSecretVar] }}`).
   */
  clientIdVar?: string;
  clientSecretVar?: string;
  /** Shard entries: every environment variable its workspaces read, comma-separated. */
  variables?: string;
}

/** The matrix, as GitHub Actions reads it: `{ include: [...] }`. */
export interface FleetMatrix {
  include: MatrixEntry[];
}

/** The matrix of the fleet (or of one wave): an entry per workspace, or `shards` entries of contiguous workspaces in wave order. */
export function fleetMatrix(fleet: Fleet, options: { shards?: number; wave?: string } = {}): FleetMatrix {
  let workspaces = fleet.workspaces;
  if (options.wave !== undefined) {
    const index = fleet.waves.findIndex((w) => w.name === options.wave);
    if (index === -1) throw new FleetUsageError(`--wave names no wave of ${fleet.file} (its waves: ${fleet.waves.map((w) => w.name).join(", ")})`);
    workspaces = workspaces.filter((w) => w.wave === index);
  }
  const waveName = (index: number) => fleet.waves[index]!.name;
  if (options.shards === undefined) {
    return {
      include: workspaces.map((w) => ({ name: w.name, workspaces: w.name, wave: waveName(w.wave), clientIdVar: w.credentials.clientId, clientSecretVar: w.credentials.clientSecret })),
    };
  }
  const count = Math.min(options.shards, workspaces.length);
  const include: MatrixEntry[] = [];
  for (let shard = 0; shard < count; shard++) {
    // Contiguous and as even as can be: the first (length % count) shards take one more.
    const from = Math.floor((shard * workspaces.length) / count);
    const to = Math.floor(((shard + 1) * workspaces.length) / count);
    const members = workspaces.slice(from, to);
    include.push({
      name: `shard-${shard + 1}`,
      workspaces: members.map((w) => w.name).join(","),
      wave: [...new Set(members.map((w) => waveName(w.wave)))].join(","),
      variables: [...new Set(members.flatMap((w) => [w.credentials.clientId, w.credentials.clientSecret]))].join(","),
    });
  }
  return { include };
}
