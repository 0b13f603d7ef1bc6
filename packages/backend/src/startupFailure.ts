/**
 * Turns a failed start into one line that says what is wrong, instead of a stack of unrelated
 * errors, and exits non-zero. Backstage wraps the real cause in "Plugin 'x' startup failed";
 * the innermost cause is what an operator can act on.
 */
export function describeStartupFailure(error: unknown): string {
  const chain: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current.message);
    current = (current as Error & { cause?: unknown }).cause;
  }
  if (chain.length === 0) return String(error);
  const root = chain[chain.length - 1];
  const plugin = chain.map(m => /Plugin '([^']+)'/.exec(m)?.[1]).find(Boolean);
  return plugin ? `${root} (while starting plugin '${plugin}')` : root;
}

export function reportStartupFailure(error: unknown): never {
  process.stderr.write(
    `Backend failed to start: ${describeStartupFailure(error)}\n`,
  );
  process.exit(1);
}
