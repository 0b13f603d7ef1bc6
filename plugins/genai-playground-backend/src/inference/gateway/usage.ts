/** Token counts as the model server reported them. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** The object that starts at `start` (a `{`), by brace matching outside strings; -1 if cut. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
      continue;
    }
    if (ch === 34) inString = true;
    else if (ch === 123 /* { */) depth++;
    else if (ch === 125 /* } */) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** A token count as a model server may report it: absent is 0; anything but a count is invalid. */
function tokenCount(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return undefined;
  }
  return Math.round(value);
}

/**
 * Reads a `usage` object (OpenAI's field names) into token counts. Model servers deployed into
 * team namespaces are not trusted: a usage with a count that is not a non-negative number is
 * ignored as a whole (the gateway then estimates), never metered as NaN or a negative cost. How
 * large a count may be is the caller's to bound (see worstCaseTokens).
 */
export function toTokenUsage(usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const prompt = tokenCount(u.prompt_tokens);
  const completion = tokenCount(u.completion_tokens);
  if (prompt === undefined || completion === undefined) return undefined;
  return { promptTokens: prompt, completionTokens: completion };
}

/**
 * Finds the top-level `usage` of a JSON answer without parsing the whole body: OpenAI and vLLM
 * put it last, so the last `"usage":{` is parsed on its own. Embedding answers (kilobytes of
 * vectors) cost a backwards search, not a parse.
 */
export function findUsage(body: Buffer): TokenUsage | undefined {
  const at = body.lastIndexOf('"usage"');
  if (at < 0) return undefined;
  const text = body.toString('utf8', at);
  const brace = text.indexOf('{');
  if (brace < 0) return undefined;
  const end = objectEnd(text, brace);
  if (end < 0) return undefined;
  try {
    return toTokenUsage(JSON.parse(text.slice(brace, end + 1)));
  } catch {
    return undefined;
  }
}
