import { evaluate, failedPaths } from '../__testUtils__/environment';
import { requiredLabelsCheck as check } from './requiredLabels';

describe('required-labels', () => {
  it('fails a namespace without the labels', async () => {
    await expect(
      failedPaths(check, env => {
        env.namespace.metadata!.labels = {};
      }),
    ).resolves.toEqual([
      'Namespace/ml-research-rag-eval metadata.labels.security-level',
      'Namespace/ml-research-rag-eval metadata.labels.data-classification',
    ]);
  });

  it('fails values outside the allowed ones, naming them', async () => {
    await expect(
      evaluate(check, env => {
        env.pods[1].metadata!.labels!['security-level'] = 'extreme';
        env.pods[2].metadata!.labels!['data-classification'] = 'secret';
      }),
    ).resolves.toEqual([
      {
        kind: 'Pod',
        name: 'llama-7c9d4-abcde',
        fieldPath: 'metadata.labels.security-level',
        message: "is 'extreme', not one of low, medium, high",
      },
      {
        kind: 'Pod',
        name: 'llama-7c9d4-fghij',
        fieldPath: 'metadata.labels.data-classification',
        message:
          "is 'secret', not one of public, internal, confidential, restricted",
      },
    ]);
  });

  it('fails a pod without labels', async () => {
    await expect(
      failedPaths(check, env => {
        delete env.pods[0].metadata!.labels;
      }),
    ).resolves.toEqual([
      'Pod/bp-j-7f3a-x2k9d metadata.labels.security-level',
      'Pod/bp-j-7f3a-x2k9d metadata.labels.data-classification',
    ]);
  });
});
