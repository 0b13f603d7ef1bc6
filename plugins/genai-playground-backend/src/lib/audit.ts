import type { AuditorService } from '@backstage/backend-plugin-api';
import type { Request } from 'express';

/**
 * Runs a write inside an audit event: `success` with what `successMeta` says of the result, or
 * `fail` with the error (which is rethrown). `req` is the HTTP request the write answers; none
 * for the plugin's own work (a scheduled task).
 */
export async function audited<T>(
  auditor: AuditorService,
  req: Request | undefined,
  event: {
    eventId: string;
    meta: Record<string, string | number | undefined>;
  },
  write: () => Promise<T>,
  successMeta?: (result: T) => Record<string, string | number>,
): Promise<T> {
  const audit = await auditor.createEvent({
    eventId: event.eventId,
    severityLevel: 'medium',
    request: req,
    // undefined values out: the auditor takes JSON
    meta: JSON.parse(JSON.stringify(event.meta)),
  });
  try {
    const result = await write();
    await (successMeta
      ? audit.success({ meta: successMeta(result) })
      : audit.success());
    return result;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}
