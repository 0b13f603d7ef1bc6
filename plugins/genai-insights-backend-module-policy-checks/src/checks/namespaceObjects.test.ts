import {
  compliantEnvironment,
  checkContext,
  evaluate,
  failedPaths,
} from '../__testUtils__/environment';
import { costAnnotationsCheck } from './costAnnotations';
import { leaseNotExpiredCheck } from './leaseNotExpired';
import { limitRangeCheck } from './limitRange';
import { quotaGpuCheck } from './quotaGpu';

const NS = 'Namespace/ml-research-rag-eval';

describe('quota-gpu', () => {
  const check = quotaGpuCheck;

  it('fails without a ResourceQuota', async () => {
    await expect(
      evaluate(check, env => {
        env.resourceQuotas = [];
      }),
    ).resolves.toEqual([
      {
        kind: 'Namespace',
        name: 'ml-research-rag-eval',
        fieldPath: 'resourceQuotas',
        message: 'has no ResourceQuota',
      },
    ]);
  });

  it('fails quotas without a GPU limit, and accepts amd.com/gpu', async () => {
    await expect(
      evaluate(check, env => {
        delete env.resourceQuotas[0].spec.hard['requests.amd.com/gpu'];
      }),
    ).resolves.toEqual([
      {
        kind: 'ResourceQuota',
        name: 'genai-playground-quota',
        fieldPath: 'spec.hard.requests.amd.com/gpu',
        message: 'is missing (nor is spec.hard.amd.com/gpu set)',
      },
    ]);
    await expect(
      failedPaths(check, env => {
        const hard = env.resourceQuotas[0].spec.hard;
        delete hard['requests.amd.com/gpu'];
        hard['amd.com/gpu'] = '0';
      }),
    ).resolves.toEqual([]);
  });
});

describe('limit-range', () => {
  const check = limitRangeCheck;

  it('fails without a LimitRange', async () => {
    await expect(
      failedPaths(check, env => {
        env.limitRanges = [];
      }),
    ).resolves.toEqual([`${NS} limitRanges`]);
  });

  it('fails a LimitRange without container defaults', async () => {
    await expect(
      evaluate(check, env => {
        env.limitRanges[0].spec.limits = [
          { type: 'Pod', max: { cpu: '4' } },
          { type: 'Container', max: { cpu: '4' } },
        ];
      }),
    ).resolves.toEqual([
      {
        kind: 'LimitRange',
        name: 'genai-playground-limits',
        fieldPath: 'spec.limits',
        message: 'has no Container entry with default or defaultRequest',
      },
    ]);
  });
});

describe('cost-annotations', () => {
  const check = costAnnotationsCheck;

  it('fails missing annotations', async () => {
    await expect(
      evaluate(check, env => {
        delete env.namespace.metadata!.annotations;
      }),
    ).resolves.toEqual([
      {
        kind: 'Namespace',
        name: 'ml-research-rag-eval',
        fieldPath: 'metadata.annotations.genai-playground.io/cost-center',
        message: 'is missing',
      },
      {
        kind: 'Namespace',
        name: 'ml-research-rag-eval',
        fieldPath: 'metadata.annotations.genai-playground.io/budget',
        message: 'is missing',
      },
    ]);
  });

  it('fails an empty cost center and a budget that is not an amount', async () => {
    await expect(
      evaluate(check, env => {
        const annotations = env.namespace.metadata!.annotations!;
        annotations['genai-playground.io/cost-center'] = ' ';
        annotations['genai-playground.io/budget'] = 'lots';
      }),
    ).resolves.toEqual([
      expect.objectContaining({ message: "is ' '" }),
      expect.objectContaining({
        fieldPath: 'metadata.annotations.genai-playground.io/budget',
        message: "is 'lots', not an amount (1200 USD)",
      }),
    ]);
  });

  it('accepts a bare amount', async () => {
    await expect(
      failedPaths(check, env => {
        env.namespace.metadata!.annotations!['genai-playground.io/budget'] =
          '1200';
      }),
    ).resolves.toEqual([]);
  });
});

describe('lease-not-expired', () => {
  const check = leaseNotExpiredCheck;
  const set = (value?: string) => (env: any) => {
    env.namespace.metadata.annotations['genai-playground.io/expires-at'] =
      value;
  };
  const failure = (message: string) => [
    {
      kind: 'Namespace',
      name: 'ml-research-rag-eval',
      fieldPath: 'metadata.annotations.genai-playground.io/expires-at',
      message,
    },
  ];

  it('fails an expired lease, saying how long ago', async () => {
    await expect(evaluate(check, set('2026-12-04T09:00:00Z'))).resolves.toEqual(
      failure("is '2026-12-04T09:00:00Z', 27 hours before the evaluation"),
    );
    await expect(evaluate(check, set('2026-12-05T11:30:00Z'))).resolves.toEqual(
      failure(
        "is '2026-12-05T11:30:00Z', less than an hour before the evaluation",
      ),
    );
  });

  it('applies to environments only: the portal leases those, not its own namespace', () => {
    const env = compliantEnvironment();
    expect(check.appliesTo!(env, checkContext())).toBe(true);
    delete env.namespace.metadata!.labels!['genai-playground.io/environment'];
    expect(check.appliesTo!(env, checkContext())).toBe(false);
  });

  it('fails a missing or unreadable lease', async () => {
    await expect(evaluate(check, set(undefined))).resolves.toEqual(
      failure('is missing'),
    );
    await expect(evaluate(check, set('next week'))).resolves.toEqual(
      failure("is 'next week', not an ISO time"),
    );
  });
});
