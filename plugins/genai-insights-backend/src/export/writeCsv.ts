import type { LedgerRow } from '@genai-portal/plugin-genai-insights-common';
import type { Writable } from 'node:stream';
import type { ExportColumns } from './columns';
import { csvLine } from './csv';

/** Resolves when `out` can take more, or is closed (the client went away). */
function drained(out: Writable): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/**
 * Writes a header and the rows page by page, waiting when the client reads slower than the
 * database answers, so an export of any size holds one page in memory; stops when the client
 * goes away.
 */
export async function writeCsv(
  out: Writable,
  columns: ExportColumns,
  pages: AsyncIterable<LedgerRow[]>,
): Promise<void> {
  out.write(csvLine(columns.names));
  for await (const page of pages) {
    if (out.destroyed) return;
    const chunk = page.map(row => csvLine(columns.values(row))).join('');
    if (!out.write(chunk)) await drained(out);
  }
  if (!out.destroyed) out.end();
}
