import { z } from 'zod';

/** An ISO 8601 date or time. */
export const isoTime = z
  .string()
  .max(40)
  .refine(v => !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO 8601 date or time',
  });

/**
 * A team as the ledger keys it: a group entity ref. A bare name is in the default namespace
 * (`ml-research` is `group:default/ml-research`); any other kind is not a team.
 * @public
 */
export function toTeamRef(team: string): string | undefined {
  const value = team.trim();
  if (!value.includes(':')) {
    return /^[^/]+$/.test(value) ? `group:default/${value}` : undefined;
  }
  return /^group:[^/:]+\/[^/:]+$/.test(value) ? value : undefined;
}

/** A comma-separated list of teams (`group:default/ml-research,genai-apps`), as group refs. */
export const teamList = z
  .string()
  .max(4000)
  .transform((v, ctx) => {
    const teams: string[] = [];
    for (const team of v
      .split(',')
      .map(t => t.trim())
      .filter(Boolean)) {
      const ref = toTeamRef(team);
      if (!ref) {
        ctx.addIssue({
          code: 'custom',
          message: `'${team}' is not a group name or group entity ref`,
        });
        return z.NEVER;
      }
      teams.push(ref);
    }
    if (teams.length === 0) {
      // `teams=,` is no filter the caller meant: name at least one, or leave it out for all.
      ctx.addIssue({ code: 'custom', message: 'must name at least one team' });
      return z.NEVER;
    }
    return teams;
  });
