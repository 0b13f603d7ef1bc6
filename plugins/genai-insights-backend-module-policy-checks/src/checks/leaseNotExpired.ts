import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import {
  EXPIRES_AT_ANNOTATION,
  labelsOf,
  annotationsOf,
  failure,
  found,
  objectsOf,
  record,
} from './util';

/** An ISO time with a date and a time of day (`2026-12-01T10:00:00Z`). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The label the portal puts on the namespaces it leases as environments. */
const ENVIRONMENT_LABEL = 'genai-playground.io/environment';

/**
 * The environment's lease (`genai-playground.io/expires-at`) still running. Only environments
 * have leases: a namespace the portal did not create as one (the portal's own) is left out.
 */
export const leaseNotExpiredCheck: ComplianceCheck = {
  id: 'lease-not-expired',
  title: 'Lease not expired',
  severity: 'medium',
  category: 'lease',
  looksAt: `the namespace's ${EXPIRES_AT_ANNOTATION} annotation: an ISO time after the evaluation`,
  remediation:
    'Extend the environment from the portal if it is still needed, or delete it; an expired environment still holds its quota and costs.',
  appliesTo(objects) {
    const { namespace } = objectsOf(objects);
    return Boolean(labelsOf(namespace)[ENVIRONMENT_LABEL]);
  },
  evaluate(objects, context) {
    const { namespace } = objectsOf(objects);
    const value = annotationsOf(namespace)[EXPIRES_AT_ANNOTATION];
    const fieldPath = `metadata.annotations.${EXPIRES_AT_ANNOTATION}`;
    const fail = (message: string) => [
      failure(namespace, 'Namespace', fieldPath, message),
    ];
    if (typeof value !== 'string' || value.trim() === '') {
      return fail(found(value));
    }
    const expiresAt = Date.parse(value);
    if (!ISO_TIME.test(value.trim()) || Number.isNaN(expiresAt)) {
      return fail(`is '${value}', not an ISO time`);
    }
    const now = record(context).now;
    const nowMs = now instanceof Date ? now.getTime() : Date.now();
    if (expiresAt <= nowMs) {
      const hours = Math.floor((nowMs - expiresAt) / 3_600_000);
      return fail(
        `is '${value}', ${
          hours > 0
            ? `${hours} hour${hours === 1 ? '' : 's'}`
            : 'less than an hour'
        } before the evaluation`,
      );
    }
    return [];
  },
};
