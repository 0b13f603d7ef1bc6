import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import { containersOf, failure, found, objectsOf, record } from './util';

const FIELDS = [
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
] as const;

/** CPU and memory requests and limits on every container (init ones too). */
export const resourcesRequestsLimitsCheck: ComplianceCheck = {
  id: 'resources-requests-limits',
  title: 'Requests and limits on every container',
  severity: 'medium',
  category: 'resources',
  looksAt:
    'the CPU and memory requests and limits of every container and init container of every Pod',
  remediation:
    'Set resources.requests and resources.limits for cpu and memory on every container (the namespace LimitRange only fills in defaults for pods created after it).',
  evaluate(objects) {
    return objectsOf(objects).pods.flatMap(pod =>
      containersOf(pod.spec, 'spec', ['initContainers', 'containers']).flatMap(
        ({ container, path }) => {
          const resources = record(container.resources);
          return FIELDS.flatMap(field => {
            const [group, resource] = field.split('.');
            const value = record(resources[group])[resource];
            const empty =
              value === undefined ||
              value === null ||
              (typeof value === 'string' && value.trim() === '');
            return empty
              ? [
                  failure(
                    pod,
                    'Pod',
                    `${path}.resources.${field}`,
                    found(value),
                  ),
                ]
              : [];
          });
        },
      ),
    );
  },
};
