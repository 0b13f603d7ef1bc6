import type { AppliedWaiver } from '@genai-portal/plugin-genai-insights-common';
import type { CheckResult } from './evaluateChecks';

/** A waiver as scoring needs it: which check, where, until when. */
export interface ActiveWaiver extends AppliedWaiver {
  checkId: string;
  /** Group entity ref; '' for an environment of no team. */
  team: string;
  /** Absent: every environment of the team. */
  environment?: string;
}

/** A result once waivers are applied: a waived failure is `waived` and names its waiver. */
export type ScoredCheckResult = Omit<CheckResult, 'status'> & {
  status: CheckResult['status'] | 'waived';
  waiver?: AppliedWaiver;
};

/**
 * Results with the waivers in force at `now` applied: a `fail` or `error` of a waived check in a
 * waived environment (or any environment of a waived team) becomes `waived`; passes stay passes.
 * A waiver that expired before `now` changes nothing. The environment's own waiver wins over
 * the team's.
 */
export function applyWaivers(
  results: CheckResult[],
  waivers: ActiveWaiver[],
  now: Date,
): ScoredCheckResult[] {
  const live = waivers.filter(w => Date.parse(w.expiresAt) > now.getTime());
  if (live.length === 0) return results;
  const byEnvironment = new Map<string, ActiveWaiver>();
  const byTeam = new Map<string, ActiveWaiver>();
  for (const w of live) {
    if (w.environment)
      byEnvironment.set(`${w.environment}\u0000${w.checkId}`, w);
    else byTeam.set(`${w.team}\u0000${w.checkId}`, w);
  }
  return results.map(result => {
    if (result.status !== 'fail' && result.status !== 'error') return result;
    const waiver =
      byEnvironment.get(`${result.environment}\u0000${result.checkId}`) ??
      (result.team
        ? byTeam.get(`${result.team}\u0000${result.checkId}`)
        : undefined);
    // An environment's waiver counts only where the environment is still the waiver's team's.
    if (!waiver || (waiver.environment && (result.team ?? '') !== waiver.team))
      return result;
    const { id, justification, expiresAt, createdBy } = waiver;
    return {
      ...result,
      status: 'waived' as const,
      waiver: { id, justification, expiresAt, createdBy },
    };
  });
}
