import { ResponseError } from '@backstage/errors';
import { refusalText } from '../components/Refusal';
import { errorMessage, isNotAllowed } from './errors';
import {
  ACTIVITY_GRADIENT,
  activityColor,
  cardRange,
  formatActivity,
  formatGpuHours,
} from './gpu';
import { teamName, teamParam } from './teams';

describe('teams', () => {
  it('names teams and puts them in the URL', () => {
    expect(teamName('group:default/ml-research')).toBe('ml-research');
    expect(teamName('group:ops/sre')).toBe('ops/sre');
    expect(teamParam('group:default/ml-research')).toBe('ml-research');
    expect(teamParam('group:ops/sre')).toBe('group:ops/sre');
  });

  it('says whose costs are refused', () => {
    expect(refusalText(['group:default/finance'])).toBe(
      "You can't see finance's costs",
    );
    expect(refusalText(['group:default/a', 'group:default/b'])).toBe(
      "You can't see the costs of a and b",
    );
    expect(refusalText([])).toBe("You can't see these costs");
    expect(refusalText(['group:default/finance'], 'gpus')).toBe(
      "You can't see finance's GPU utilization",
    );
  });
});

describe('errors', () => {
  it("prefers the backend's message and recognises a 403", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'Not allowed: finance' },
        response: { statusCode: 403 },
      }),
      { status: 403, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    expect(errorMessage(error)).toBe('Not allowed: finance');
    expect(isNotAllowed(error)).toBe(true);
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('text')).toBe('text');
    expect(isNotAllowed(new Error('boom'))).toBe(false);
    expect(isNotAllowed(undefined)).toBe(false);
  });
});

describe('gpu', () => {
  const now = new Date('2026-11-18T10:20:30Z');

  it("keeps the cards' ranges within 31 days", () => {
    expect(cardRange(now)).toEqual({
      from: '2026-11-11T10:21:00.000Z',
      to: '2026-11-18T10:21:00.000Z',
    });
    expect(
      cardRange(now, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'),
    ).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
    });
    expect(cardRange(now, '2026-01-01T00:00:00Z').from).toBe(
      '2026-10-18T10:21:00.000Z',
    );
  });

  it('formats GPU-hours and activity', () => {
    expect(formatGpuHours(1234.56)).toBe('1,234.6');
    expect(formatGpuHours(0.125)).toBe('0.13');
    expect(formatActivity(72.5)).toBe('73%');
    expect(formatActivity(3.25)).toBe('3.3%');
    expect(formatActivity(null)).toBe('—');
    expect(formatActivity(undefined)).toBe('—');
  });

  it('colours activity light to dark', () => {
    expect(activityColor(0)).toBe('rgb(222, 235, 247)');
    expect(activityColor(100)).toBe('rgb(8, 48, 107)');
    expect(activityColor(150)).toBe(activityColor(100));
    expect(activityColor(25)).toBe('rgb(165, 205, 231)');
    expect(ACTIVITY_GRADIENT).toBe(
      'linear-gradient(to right, rgb(222, 235, 247) 0%, rgb(107, 174, 214) 50%, rgb(8, 48, 107) 100%)',
    );
  });
});
