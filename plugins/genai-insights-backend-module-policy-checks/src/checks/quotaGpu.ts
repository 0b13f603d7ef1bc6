import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import {
  GPU_RESOURCE,
  failure,
  namespaceFailure,
  objectsOf,
  record,
} from './util';

const GPU_QUOTA_KEYS = [`requests.${GPU_RESOURCE}`, GPU_RESOURCE];

/** A ResourceQuota capping the namespace's GPUs. */
export const quotaGpuCheck: ComplianceCheck = {
  id: 'quota-gpu',
  title: 'GPU quota',
  severity: 'high',
  category: 'quota',
  looksAt: `the namespace's ResourceQuotas: one with spec.hard requests.${GPU_RESOURCE} (or ${GPU_RESOURCE})`,
  remediation: `Add a ResourceQuota with spec.hard requests.${GPU_RESOURCE} set to the GPUs the environment was granted (0 for none).`,
  evaluate(objects) {
    const { resourceQuotas } = objectsOf(objects);
    if (resourceQuotas.length === 0) {
      return [
        namespaceFailure(objects, 'resourceQuotas', 'has no ResourceQuota'),
      ];
    }
    const capped = resourceQuotas.some(quota => {
      const hard = record(record(quota.spec).hard);
      return GPU_QUOTA_KEYS.some(
        key =>
          hard[key] !== undefined && hard[key] !== null && hard[key] !== '',
      );
    });
    return capped
      ? []
      : resourceQuotas.map(quota =>
          failure(
            quota,
            'ResourceQuota',
            `spec.hard.requests.${GPU_RESOURCE}`,
            `is missing (nor is spec.hard.${GPU_RESOURCE} set)`,
          ),
        );
  },
};
