import { InputError } from '@backstage/errors';
import { createEnvironmentRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import { z } from 'zod';
import { parseInput } from './validation';

describe('parseInput', () => {
  it('returns the parsed value with defaults', () => {
    expect(parseInput(z.object({ a: z.number().default(1) }), {})).toEqual({
      a: 1,
    });
  });

  it('names each field that is wrong', () => {
    const error = (() => {
      try {
        parseInput(createEnvironmentRequestSchema, {
          name: 'ok-name',
          team: 'ml-research',
          gpuPool: 'mi300x',
          gpus: 65,
          cpu: 'x',
          memoryGi: 8,
          ttlHours: 1,
          costCenter: 'CC-1',
          dataClassification: 'internal',
          securityLevel: 'low',
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as Error;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Invalid request: gpus: Too big: expected number to be <=64; cpu: Invalid input: expected number, received string',
    );
  });

  it('treats a missing body as empty and names the root problem', () => {
    expect(() => parseInput(z.string(), 5, 'query')).toThrow(
      'Invalid query: Invalid input: expected string, received number',
    );
  });

  it('refuses a NUL character anywhere, naming where', () => {
    expect(() =>
      parseInput(z.object({ a: z.array(z.string()) }), {
        a: ['ok', 'x\u0000'],
      }),
    ).toThrow('Invalid request: a.1: must not contain a NUL character');
    expect(() => parseInput(z.string(), 'x\u0000y', 'query')).toThrow(
      'Invalid query: (the value): must not contain a NUL character',
    );
  });
});
