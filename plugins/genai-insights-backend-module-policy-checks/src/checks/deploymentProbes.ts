import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import { containersOf, failure, isRecord, objectsOf, record } from './util';

const PROBES = ['readinessProbe', 'livenessProbe'] as const;

/** Readiness and liveness probes on every container of every Deployment. */
export const deploymentProbesCheck: ComplianceCheck = {
  id: 'deployment-probes',
  title: 'Probes on Deployments',
  severity: 'low',
  category: 'reliability',
  looksAt:
    'every container of every Deployment: a readinessProbe and a livenessProbe',
  remediation:
    'Give every container of the Deployment a readinessProbe (gates traffic) and a livenessProbe (restarts a stuck server), with delays long enough for model loading.',
  appliesTo(objects) {
    return objectsOf(objects).deployments.length > 0;
  },
  evaluate(objects) {
    return objectsOf(objects).deployments.flatMap(deployment =>
      containersOf(
        record(record(record(deployment.spec).template).spec),
        'spec.template.spec',
        ['containers'],
      ).flatMap(({ container, path }) =>
        PROBES.flatMap((probe): CheckFailure[] =>
          isRecord(container[probe])
            ? []
            : [
                failure(
                  deployment,
                  'Deployment',
                  `${path}.${probe}`,
                  'is missing',
                ),
              ],
        ),
      ),
    );
  },
};
