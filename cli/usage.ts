/**
 * A mistake in how a command was called or in the input it was given. The command prints its
 * message as one line and exits non-zero; it never prints a stack trace.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Parses `--flag value` / `--flag=value` / `--switch` options; positional arguments come back in `rest`. */
export function parseOptions(
  args: readonly string[],
  spec: { values?: readonly string[]; switches?: readonly string[] },
): { values: Map<string, string>; switches: Set<string>; rest: string[] } {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const rest: string[] = [];
  const valueNames = new Set(spec.values ?? []);
  const switchNames = new Set(spec.switches ?? []);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (switchNames.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
    } else if (valueNames.has(name)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
      values.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { values, switches, rest };
}
