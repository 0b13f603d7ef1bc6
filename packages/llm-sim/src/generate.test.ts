import {
  ChoiceOutput,
  StopRule,
  embed,
  generateChoice,
  hash32,
  mulberry32,
  NATURAL_LENGTH_MAX,
  NATURAL_LENGTH_MIN,
} from './generate';
import { tokenize } from './tokenizer';

const input = { model: 'm', prompt: 'p', seed: 1, index: 0 };
const noStop: StopRule = { stop: [], includeStopStrInOutput: false };
const run = (
  limit: number,
  extra: Partial<{ minTokens: number; ignoreEos: boolean }> = {},
  stop = noStop,
): ChoiceOutput =>
  generateChoice(
    input,
    { limit, minTokens: 0, ignoreEos: false, ...extra },
    stop,
  );

describe('generate', () => {
  it('is a pure function of its inputs', () => {
    expect(mulberry32(42)()).toBe(mulberry32(42)());
    expect(hash32('abc')).toBe(hash32('abc'));
    expect(run(1000).text).toBe(run(1000).text);
    expect(
      generateChoice(
        { ...input, seed: 2 },
        { limit: 1000, minTokens: 0, ignoreEos: false },
        noStop,
      ).text,
    ).not.toBe(run(1000).text);
  });

  it('ends naturally between the bounds, or at the limit with length', () => {
    const natural = run(1000);
    expect(natural.finishReason).toBe('stop');
    expect(natural.pieces.length).toBeGreaterThanOrEqual(NATURAL_LENGTH_MIN);
    expect(natural.pieces.length).toBeLessThanOrEqual(NATURAL_LENGTH_MAX);
    const cut = run(5);
    expect(cut).toMatchObject({ finishReason: 'length', stopReason: null });
    expect(cut.pieces).toEqual(natural.pieces.slice(0, 5));
    expect(run(300, { ignoreEos: true }).pieces).toHaveLength(300);
    expect(run(300, { minTokens: 200 }).pieces).toHaveLength(200);
  });

  it('its pieces are exactly the tokenizer’s tokens', () => {
    for (let seed = 0; seed < 20; seed++) {
      const out = generateChoice(
        { ...input, seed },
        { limit: 200, minTokens: 0, ignoreEos: true },
        noStop,
      );
      expect(tokenize(out.text)).toEqual(out.pieces);
    }
  });

  it('cuts at the earliest stop string, optionally keeping it', () => {
    const full = run(1000).text;
    const stop = full.split(' ').slice(2, 4).join(' ');
    const at = full.indexOf(stop);
    const cut = run(
      1000,
      {},
      { stop: ['never-there', stop], includeStopStrInOutput: false },
    );
    expect(cut).toMatchObject({
      text: full.slice(0, at),
      finishReason: 'stop',
      stopReason: stop,
    });
    expect(cut.pieces.join('')).toBe(cut.text);
    const kept = run(1000, {}, { stop: [stop], includeStopStrInOutput: true });
    expect(kept.text).toBe(full.slice(0, at + stop.length));
  });

  it('embeds deterministically as unit vectors', () => {
    const v = embed('m', 'text', 32);
    expect(v).toEqual(embed('m', 'text', 32));
    expect(v).not.toEqual(embed('m', 'other', 32));
    expect(Math.sqrt(v.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 5);
  });
});
