/**
 * Turns a failed start into one line that says what is wrong, instead of a stack of unrelated
 * errors, and exits non-zero. Backstage wraps the real cause in "Plugin 'x' startup failed";
 * the innermost cause is what an operator can act on.
 */
export function describeStartupFailure(error: unknown): string {
  const failures = startupFailures(error);
  if (failures) return describeAll(failures);
  const chain = causes(error);
  if (chain.length === 0) return String(error);
  const root = innermost(chain[chain.length - 1]);
  const plugin = chain.map(m => /Plugin '([^']+)'/.exec(m)?.[1]).find(Boolean);
  return plugin ? `${root} (while starting plugin '${plugin}')` : root;
}

function causes(error: unknown): string[] {
  const chain: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current.message);
    current = (current as Error & { cause?: unknown }).cause;
  }
  return chain;
}

/** Backstage's service registry ends its own message with the error a service factory threw. */
function innermost(message: string): string {
  const marker = 'because the factory function threw an error, ';
  const at = message.lastIndexOf(marker);
  return at < 0
    ? message
    : message.slice(at + marker.length).replace(/^Error: /, '');
}

interface Failure {
  plugin: string;
  root: string;
}

/**
 * Backstage's BackendStartupError lists every plugin that failed (each service a plugin needs
 * fails for each plugin at once): its `result` holds each failure's error.
 */
function startupFailures(error: unknown): Failure[] | undefined {
  const plugins = (error as { result?: { plugins?: unknown } } | undefined)
    ?.result?.plugins;
  if (!Array.isArray(plugins)) return undefined;
  const failures: Failure[] = [];
  for (const p of plugins) {
    const modules: any[] = Array.isArray(p.modules) ? p.modules : [];
    for (const f of [p, ...modules]) {
      if (!f?.failure || f.failure.allowed) continue;
      const chain = causes(f.failure.error);
      const root = innermost(
        chain[chain.length - 1] ?? String(f.failure.error),
      );
      failures.push({ plugin: String(p.pluginId), root });
    }
  }
  return failures.length > 0 ? failures : undefined;
}

/** The first failure, and how many other plugins failed (the same way, or otherwise). */
function describeAll(failures: Failure[]): string {
  const [first] = failures;
  const plugins = new Set(failures.map(f => f.plugin));
  plugins.delete(first.plugin);
  if (plugins.size === 0) {
    return `${first.root} (while starting plugin '${first.plugin}')`;
  }
  const alike = failures.every(f => f.root === first.root);
  return `${first.root} (while starting plugin '${first.plugin}'; ${
    plugins.size
  } other plugin${plugins.size === 1 ? '' : 's'} failed ${
    alike ? 'the same way' : 'too'
  })`;
}

export function reportStartupFailure(error: unknown): never {
  process.stderr.write(
    `Backend failed to start: ${describeStartupFailure(error)}\n`,
  );
  process.exit(1);
}
