import type { ChatUsage } from '@genai-portal/plugin-genai-playground-react';

/** How fast an answer came, as the browser saw it (gateway and model server together). */
export interface Timing {
  firstTokenMs?: number;
  totalMs?: number;
}

/** "first token 80 ms · 1.2 s · 41 tokens/s": what side-by-side comparing is about. */
export function formatTiming(timing: Timing, usage?: ChatUsage): string {
  const parts: string[] = [];
  const { firstTokenMs, totalMs } = timing;
  if (firstTokenMs !== undefined) {
    parts.push(`first token ${Math.round(firstTokenMs)} ms`);
  }
  if (totalMs !== undefined) {
    parts.push(`${(totalMs / 1000).toFixed(1)} s`);
    const generatingMs = totalMs - (firstTokenMs ?? 0);
    if (usage && usage.completion_tokens > 1 && generatingMs > 0) {
      // the first token came with the first chunk: the rest took the time after it
      const rate = ((usage.completion_tokens - 1) * 1000) / generatingMs;
      parts.push(`${Math.round(rate)} tokens/s`);
    }
  }
  return parts.join(' · ');
}
