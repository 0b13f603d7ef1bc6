import { createEnvironmentRequestSchema } from './environment';

const valid = {
  name: 'llama-finetune',
  team: 'ml-research',
  gpuPool: 'mi300x',
  gpus: 8,
  cpu: 16,
  memoryGi: 128,
  ttlHours: 72,
  costCenter: 'CC-2100',
  dataClassification: 'internal',
  securityLevel: 'medium',
};

function errorPaths(input: unknown) {
  const result = createEnvironmentRequestSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map(i => i.path.join('.'));
}

describe('createEnvironmentRequestSchema', () => {
  it('accepts a valid request and defaults the storage', () => {
    const parsed = createEnvironmentRequestSchema.parse(valid);
    expect(parsed.storageGi).toBe(100);
  });

  it.each([
    ['name', 'Llama_Finetune'],
    ['name', '-llama'],
    ['gpuPool', 'h100'],
    ['gpus', -1],
    ['gpus', 1000],
    ['gpus', 'two'],
    ['gpus', 1.5],
    ['ttlHours', 0],
    ['dataClassification', 'secret'],
    ['securityLevel', 'none'],
    ['costCenter', 'cost center!'],
  ])('names the field %s when it is %p', (field, value) => {
    expect(errorPaths({ ...valid, [field]: value })).toEqual([field]);
  });
});
