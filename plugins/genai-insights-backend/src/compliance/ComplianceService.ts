import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CheckContext,
  ComplianceCheck,
  EnvironmentObjects,
} from '@genai-portal/plugin-genai-insights-node';
import type { ComplianceCheckInfo } from '@genai-portal/plugin-genai-insights-common';
import type { CheckResult } from './evaluateChecks';
import { evaluateChecks } from './evaluateChecks';
import { teamKey } from '../permissions/rules';
import {
  applyWaivers,
  type ActiveWaiver,
  type ScoredCheckResult,
} from './applyWaivers';
import {
  scorecards,
  severitiesOf,
  type LevelDefinition,
  type Scorecards,
} from './score';

/** What reads the environments' objects (ClusterObjectsReader). */
export interface EnvironmentObjectsReader {
  read(): Promise<EnvironmentObjects[]>;
}

/** The waivers in force, read at every answer so an expiry or a revocation counts at once. */
export interface WaiverSource {
  active(now: Date): Promise<ActiveWaiver[]>;
}

/** An evaluation with the waivers in force now applied, and its scorecards. */
export interface ScoredEvaluation {
  evaluatedAt: string;
  results: ScoredCheckResult[];
  scorecards: Scorecards;
}

/** One evaluation of every check over every environment. */
export interface ComplianceEvaluation {
  evaluatedAt: string;
  results: CheckResult[];
  /** The scorecards over every environment. */
  scorecards: Scorecards;
}

export interface ComplianceServiceOptions {
  /** Absent: no cluster configured, nothing to evaluate. */
  reader?: EnvironmentObjectsReader;
  checks: ComplianceCheck[];
  levels: LevelDefinition[];
  context: Omit<CheckContext, 'now'>;
  cacheSeconds: number;
  /** Absent: no waivers (nothing is waived). */
  waivers?: WaiverSource;
  logger?: LoggerService;
  clock?: () => Date;
}

/**
 * The compliance engine's current answer: reads the cluster, evaluates the checks, and keeps the
 * result `cacheSeconds`; callers arriving while an evaluation runs wait for that one.
 */
export class ComplianceService {
  readonly #options: ComplianceServiceOptions;
  readonly #now: () => Date;
  #cached?: { at: number; evaluation: ComplianceEvaluation };
  #running?: Promise<ComplianceEvaluation>;

  constructor(options: ComplianceServiceOptions) {
    this.#options = options;
    this.#now = options.clock ?? (() => new Date());
  }

  get levels(): LevelDefinition[] {
    return this.#options.levels;
  }

  /** The checks' descriptions, in the order they were added. */
  get checks(): ComplianceCheckInfo[] {
    return this.#options.checks.map(c => ({
      id: c.id,
      title: c.title,
      severity: c.severity,
      category: c.category,
      looksAt: c.looksAt,
      remediation: c.remediation,
    }));
  }

  /** The current evaluation: cached, or one read now (one at a time). */
  async evaluation(): Promise<ComplianceEvaluation> {
    const now = this.#now().getTime();
    const cached = this.#cached;
    if (cached && now - cached.at < this.#options.cacheSeconds * 1000) {
      return cached.evaluation;
    }
    if (!this.#running) {
      this.#running = this.#evaluate().finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  /**
   * The current evaluation with the waivers in force now applied: what every route answers and
   * what the daily snapshot keeps.
   */
  async current(): Promise<ScoredEvaluation> {
    const evaluation = await this.evaluation();
    const waivers = this.#options.waivers
      ? await this.#options.waivers.active(this.#now())
      : [];
    if (waivers.length === 0) return evaluation;
    const results = applyWaivers(evaluation.results, waivers, this.#now());
    return {
      evaluatedAt: evaluation.evaluatedAt,
      results,
      scorecards: this.scorecardsOf(results),
    };
  }

  /** Scorecards over some of an evaluation's results. */
  scorecardsOf(results: ScoredCheckResult[]): Scorecards {
    return scorecards(
      results,
      severitiesOf(this.#options.checks),
      this.#options.levels,
    );
  }

  async #evaluate(): Promise<ComplianceEvaluation> {
    const { reader, checks, levels, context, logger } = this.#options;
    const now = this.#now();
    const environments = reader ? await reader.read() : [];
    const results = (
      await evaluateChecks({
        checks,
        environments,
        context: { ...context, now },
        logger,
      })
    ).map(r => ({ ...r, team: r.team && (teamKey(r.team) ?? r.team) }));
    const evaluation: ComplianceEvaluation = {
      evaluatedAt: now.toISOString(),
      results,
      scorecards: scorecards(results, severitiesOf(checks), levels),
    };
    this.#cached = { at: this.#now().getTime(), evaluation };
    return evaluation;
  }
}
