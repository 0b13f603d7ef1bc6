/*
 * Compliance scores and levels from check results: pure functions over what evaluateChecks
 * returned (and, later, waivers applied to it).
 */
import {
  type CheckSeverity,
  SEVERITY_WEIGHTS,
} from '@genai-portal/plugin-genai-insights-common';
import type { CheckStatus } from './evaluateChecks';

/** A result's status once waivers are applied: a waived failure counts as passed, apart. */
export type ScoredStatus = CheckStatus | 'waived';

/** What a score needs of one result. */
export interface ScoredResult {
  environment: string;
  team?: string;
  costCenter?: string;
  checkId: string;
  status: ScoredStatus;
}

/** A weighted score over some results. */
export interface Score {
  /**
   * The weighted share of the applicable checks passed (or waived), 0 to 100; null when no
   * check applies.
   */
  percent: number | null;
  passedWeight: number;
  applicableWeight: number;
  /** Results by status (an `error` weighs as a failure). */
  passed: number;
  failed: number;
  errored: number;
  waived: number;
  notApplicable: number;
}

/** A level of the scorecards, from config; levels are ordered from the lowest. */
export interface LevelDefinition {
  name: string;
  /** The ids of the checks it needs, or `*`: every check. */
  checks: string[] | '*';
}

/** One environment's score and the highest level it reaches (none: undefined). */
export interface EnvironmentScore {
  environment: string;
  team?: string;
  costCenter?: string;
  score: Score;
  level?: string;
}

/** A team's or cost center's score over its environments' results. */
export interface GroupScore {
  /** The team or cost center. */
  name: string;
  environments: number;
  score: Score;
  /** How many of its environments reach each level (as their highest). */
  levels: Record<string, number>;
}

/** The scorecards of an evaluation. */
export interface Scorecards {
  platform: Score;
  environments: EnvironmentScore[];
  /** Environments without a team label are in the platform's score only. */
  teams: GroupScore[];
  /** Environments without a cost center are in the platform's score only. */
  costCenters: GroupScore[];
}

/** The severity of a check, by id; undefined for a check nobody added. */
export type SeverityOf = (checkId: string) => CheckSeverity | undefined;

/** A {@link SeverityOf} from the checks. */
export function severitiesOf(
  checks: Array<{ id: string; severity: CheckSeverity }>,
): SeverityOf {
  const byId = new Map(checks.map(c => [c.id, c.severity]));
  return id => byId.get(id);
}

/**
 * The weighted score of results: passed (and waived) weight over applicable weight, each check
 * weighing its severity's {@link SEVERITY_WEIGHTS}; `not-applicable` is left out, `error`
 * counts as failed. A result of an unknown check (no severity) is left out.
 */
export function scoreOf(
  results: ScoredResult[],
  severityOf: SeverityOf,
): Score {
  const score: Score = {
    percent: null,
    passedWeight: 0,
    applicableWeight: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    waived: 0,
    notApplicable: 0,
  };
  for (const result of results) {
    const severity = severityOf(result.checkId);
    if (!severity) continue;
    const weight = SEVERITY_WEIGHTS[severity];
    switch (result.status) {
      case 'not-applicable':
        score.notApplicable += 1;
        continue;
      case 'pass':
        score.passed += 1;
        score.passedWeight += weight;
        break;
      case 'waived':
        score.waived += 1;
        score.passedWeight += weight;
        break;
      case 'error':
        score.errored += 1;
        break;
      default:
        score.failed += 1;
    }
    score.applicableWeight += weight;
  }
  if (score.applicableWeight > 0) {
    score.percent = (100 * score.passedWeight) / score.applicableWeight;
  }
  return score;
}

/** Level definitions that name checks nobody added: one message each. */
export function levelProblems(
  levels: LevelDefinition[],
  checkIds: string[],
): string[] {
  const known = new Set(checkIds);
  const problems: string[] = [];
  const names = new Set<string>();
  for (const level of levels) {
    if (names.has(level.name)) {
      problems.push(`Level '${level.name}' is defined twice`);
    }
    names.add(level.name);
    if (level.checks === '*') continue;
    for (const id of level.checks) {
      if (!known.has(id)) {
        problems.push(`Level '${level.name}' names an unknown check '${id}'`);
      }
    }
  }
  return problems;
}

/**
 * The highest level one environment's results reach: a level is reached when every check it
 * names (`*`: every check with a result) and every check of the levels below passes, is
 * waived or does not apply. A named check without a result (not evaluated) is not satisfied.
 */
export function levelOf(
  results: ScoredResult[],
  levels: LevelDefinition[],
): string | undefined {
  const satisfied = new Map<string, boolean>();
  for (const result of results) {
    satisfied.set(
      result.checkId,
      result.status === 'pass' ||
        result.status === 'waived' ||
        result.status === 'not-applicable',
    );
  }
  let reached: string | undefined;
  for (const level of levels) {
    const ids = level.checks === '*' ? [...satisfied.keys()] : level.checks;
    if (!ids.every(id => satisfied.get(id) === true)) break;
    reached = level.name;
  }
  return reached;
}

/**
 * The scorecards of an evaluation: per environment (with its level), per team, per cost center
 * and for the platform, each weighed over the results it covers.
 */
export function scorecards(
  results: ScoredResult[],
  severityOf: SeverityOf,
  levels: LevelDefinition[],
): Scorecards {
  const byEnvironment = groupBy(results, r => r.environment);
  const environments: EnvironmentScore[] = [...byEnvironment]
    .map(([environment, own]) => ({
      environment,
      team: own[0].team,
      costCenter: own[0].costCenter,
      score: scoreOf(own, severityOf),
      level: levelOf(own, levels),
    }))
    .sort((a, b) => a.environment.localeCompare(b.environment));

  const grouped = (key: (e: EnvironmentScore) => string | undefined) =>
    [...groupBy(environments, key)]
      .map(([name, members]): GroupScore => {
        const counts: Record<string, number> = {};
        for (const member of members) {
          if (member.level)
            counts[member.level] = (counts[member.level] ?? 0) + 1;
        }
        return {
          name,
          environments: members.length,
          score: scoreOf(
            members.flatMap(m => byEnvironment.get(m.environment) ?? []),
            severityOf,
          ),
          levels: counts,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));

  return {
    platform: scoreOf(results, severityOf),
    environments,
    teams: grouped(e => e.team),
    costCenters: grouped(e => e.costCenter),
  };
}

/** Items by key; items without a key are left out. */
function groupBy<T>(
  items: T[],
  key: (item: T) => string | undefined,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
