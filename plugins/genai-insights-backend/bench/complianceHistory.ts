/*
 * Part 2 of `yarn bench:compliance`: the compliance page's queries over a year of daily history.
 *
 * The plugin's database (PostgreSQL when it answers, else an in-memory SQLite, as
 * `yarn bench:utilization` opens it), migrated, holds what the hourly snapshotter would have
 * written over `days` days: each day an evaluation of the benchmark's cluster (the one part 1
 * evaluated, 17 checks over every environment) whose failures drift day to day (a breakage lasts
 * about a week; fewer of them as the year goes on), scored with the real scorecards, taken
 * apart by snapshotOf and written by DatabaseHistoryStore.writeDay, a day at a time. Plus 50
 * waivers (40 in force, 6 expired, 4 revoked) in DatabaseWaiverStore.
 *
 * The page's calls go through the real routes: addComplianceRoutes on the plugin's OpenAPI
 * router (requests validated as in production), the real TeamScopeGate asking the portal's
 * permission policy (GenaiPlaygroundPermissionPolicy: an admin reads every team, a lead their
 * team), the real WaiverService and history store, the compliance service with the evaluation
 * cached (the waivers in force applied at every answer, as in production), served on a local
 * port and asked by fetch, each answer read whole but not parsed (the browser parses it, not
 * the backend). Only the caller's token check is left out (the caller is named in a header).
 */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import { GenaiPlaygroundPermissionPolicy } from '@genai-portal/plugin-permission-backend-module-genai-playground';
import express, { type Request } from 'express';
import type { InsightsConfig } from '../src/config';
import type {
  ComplianceService,
  ScoredEvaluation,
} from '../src/compliance/ComplianceService';
import type { ScoredCheckResult } from '../src/compliance/applyWaivers';
import { createComplianceService } from '../src/compliance/createComplianceService';
import { DatabaseHistoryStore } from '../src/compliance/history/DatabaseHistoryStore';
import { HistorySnapshotter } from '../src/compliance/history/HistorySnapshotter';
import { PLATFORM } from '../src/compliance/history/HistoryStore';
import {
  addDays,
  snapshotOf,
  utcDay,
} from '../src/compliance/history/snapshotOf';
import { addComplianceRoutes } from '../src/compliance/routes';
import { DatabaseWaiverStore } from '../src/compliance/waivers/DatabaseWaiverStore';
import { WaiverService } from '../src/compliance/waivers/WaiverService';
import type { StoredWaiver } from '../src/compliance/waivers/WaiverStore';
import { migrateDatabase } from '../src/lib/migrateDatabase';
import { TeamScopeGate } from '../src/permissions/TeamScopeGate';
import { loadOpenApiSpec } from '../src/schema/openapiSpec';
import { median, ms, percentile, timed, underLoad } from './measure';
import {
  openUtilizationDatabase,
  quietLogger,
  type UtilizationDatabase,
} from './utilizationSetup';

/** The page's queries, each at the 95th percentile under load. */
export const PAGE_TARGET_MS = 200;
const DAY_MS = 86_400_000;
/** Days the page's trend shows (the compliance page asks the last 90). */
const TREND_DAYS = 90;
const ADMIN = 'user:default/bench-admin';
const ADMIN_GROUP = 'group:default/platform-team';

export interface HistoryOptions {
  days: number;
  concurrency: number;
  rounds: number;
  iterations: number;
  sqlite: boolean;
  log: (line: string) => void;
}

export interface CallFigures {
  name: string;
  p50: number;
  p95: number;
  /** p95 over the p95 of `SELECT 1` by knex. */
  ratio?: number;
  /** p95 over the p95 of `SELECT 1` behind the same HTTP server. */
  httpRatio?: number;
  /** The page's calls at once, not one query: not held to the target. */
  composite?: boolean;
  /** The store's reads alone, not a route: not held to the target. */
  store?: boolean;
  /** The JSON answer's size, for a route. */
  kilobytes?: number;
}

export interface HistoryFigures {
  database: string;
  seeded: {
    days: number;
    environments: number;
    teams: number;
    costCenters: number;
    checks: number;
    scoreRows: number;
    checkRows: number;
    waivers: number;
    activeWaivers: number;
    seconds: number;
  };
  concurrency: number;
  iterations: number;
  rounds: number;
  calls: CallFigures[];
  baselines: CallFigures[];
  snapshot: {
    scores: number;
    checks: number;
    /** HistorySnapshotter.run: the cached answer with the waivers applied, the day written, the purge. */
    runMedianMs: number;
    runMaxMs: number;
    /** DatabaseHistoryStore.writeDay alone. */
    writeDayMedianMs: number;
  };
  /** The slowest page query's p95, and which. */
  worst: { name: string; p95: number };
  loadAverage: number[];
}

/** A number in [0, 1) from a few integers, the same every run. */
function hash01(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (b + 0x7f4a7c15), 0xc2b2ae35);
  h = Math.imul(h ^ (c + 0x165667b1), 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/**
 * The evaluation of day `d` of `days` (the last is today's, `base` as it is): results that pass
 * today failed on some runs of days before, a breakage lasting about a week, more of them early
 * in the year and with a slow swell.
 */
function dayResults(
  base: ScoredCheckResult[],
  d: number,
  days: number,
): ScoredCheckResult[] {
  const last = d === days - 1;
  const age = (days - 1 - d) / Math.max(1, days - 1);
  const rate = 0.015 + 0.05 * age + 0.015 * Math.sin(d / 9);
  return base.map((r, i) => {
    if (last || r.status !== 'pass') return r;
    // Weeks of this result: each starts on its own day.
    const phase = Math.floor(hash01(i, 0, 7) * 7);
    const week = Math.floor((d + phase) / 7);
    if (hash01(i, week, 1) >= rate) return r;
    return {
      ...r,
      status: 'fail' as const,
      failureCount: 1,
      failures: [],
    };
  });
}

/**
 * `days` days of history ending today, written a day at a time through the store, as the hourly
 * snapshotter writes each day's last snapshot.
 */
async function seedHistory(options: {
  store: DatabaseHistoryStore;
  compliance: ComplianceService;
  base: ScoredCheckResult[];
  days: number;
  today: string;
  log: (line: string) => void;
}): Promise<{ scoreRows: number; checkRows: number }> {
  const { store, compliance, days, today, log } = options;
  const { base } = options;
  let scoreRows = 0;
  let checkRows = 0;
  for (let d = 0; d < days; d++) {
    const results = dayResults(base, d, days);
    const day = addDays(today, d - (days - 1));
    const evaluation: ScoredEvaluation = {
      evaluatedAt: `${day}T23:00:00.000Z`,
      results,
      scorecards: compliance.scorecardsOf(results),
    };
    const snapshot = snapshotOf(evaluation, day);
    await store.writeDay(snapshot);
    scoreRows += snapshot.scores.length;
    checkRows += snapshot.checks.length;
    if ((d + 1) % 61 === 0) log(`  history: ${d + 1}/${days} days written`);
  }
  return { scoreRows, checkRows };
}

/**
 * 50 waivers as a platform accumulates them: 30 of an environment's failing check and 10 of a
 * team's check in force, 6 expired, 4 revoked; granted over the last two months.
 */
async function seedWaivers(
  store: DatabaseWaiverStore,
  results: ScoredCheckResult[],
  checkIds: string[],
  teams: string[],
): Promise<{ total: number; active: number }> {
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  const failing = results.filter(r => r.status === 'fail' && r.team);
  const waivers: Array<{ waiver: StoredWaiver; now: string }> = [];
  const add = (
    i: number,
    place: { checkId: string; team: string; environment?: string },
    expired: boolean,
  ) => {
    const created = now - (2 + ((i * 37) % 58)) * DAY_MS;
    const expires = expired
      ? created + (1 + (i % 5)) * DAY_MS
      : now + (3 + ((i * 11) % 80)) * DAY_MS;
    waivers.push({
      waiver: {
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        ...place,
        justification: `Accepted until the next release (bench waiver ${i})`,
        expiresAt: iso(Math.min(expires, expired ? now - DAY_MS : expires)),
        createdBy: `user:default/lead-${i % teams.length}`,
        createdAt: iso(created),
      },
      now: iso(created),
    });
  };
  failing
    .slice(0, 30)
    .forEach((r, i) =>
      add(
        i,
        { checkId: r.checkId, team: r.team!, environment: r.environment },
        false,
      ),
    );
  for (let t = 0; t < 20; t++) {
    // Team-wide: 10 in force, then 6 expired and 4 to revoke.
    const place = {
      checkId: checkIds[(t * 5) % checkIds.length],
      team: teams[(t * 3) % teams.length],
    };
    add(30 + t, place, t >= 10 && t < 16);
  }
  for (const { waiver, now: at } of waivers) {
    const created = await store.create(waiver, at);
    if (!('created' in created)) {
      throw new Error(
        `bench waiver ${waiver.id} conflicts with ${created.existing.id}`,
      );
    }
  }
  // The last 4 granted and revoked since.
  for (const { waiver } of waivers.slice(46)) {
    await store.revoke(waiver.id, ADMIN, iso(now - DAY_MS / 2));
  }
  const active = (await store.list({ state: 'active', now: iso(now) })).length;
  return { total: waivers.length, active };
}

/** The portal's permission policy as a PermissionsService: an admin, and each team's lead. */
function policyPermissions(leads: Map<string, string>): PermissionsService {
  const policy = new GenaiPlaygroundPermissionPolicy({
    adminGroups: [ADMIN_GROUP],
    leads: {
      getTeamsLedBy: async ref => (leads.has(ref) ? [leads.get(ref)!] : []),
    },
  });
  const userOf = (credentials: BackstageCredentials): PolicyQueryUser => {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    const groups = ref === ADMIN ? [ADMIN_GROUP] : [leads.get(ref)!];
    return {
      credentials: credentials as PolicyQueryUser['credentials'],
      info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
    };
  };
  const notNeeded = async (): Promise<never> => {
    throw new Error('not asked by the compliance page');
  };
  return {
    authorizeConditional: async (requests, { credentials }) =>
      Promise.all(
        requests.map(r =>
          policy.handle(
            { permission: r.permission } as any,
            userOf(credentials),
          ),
        ),
      ) as any,
    authorize: notNeeded,
  };
}

const noAudit: AuditorService = {
  createEvent: async () => ({ success: async () => {}, fail: async () => {} }),
};

interface Call {
  name: string;
  run: (worker: number) => Promise<unknown>;
  composite?: boolean;
  store?: boolean;
}

/** Median over rounds of each round's p50 and p95. */
function summarize(rounds: number[][]) {
  return {
    p50: median(rounds.map(r => percentile(r, 50))),
    p95: median(rounds.map(r => percentile(r, 95))),
  };
}

async function measureCalls(
  calls: Call[],
  options: HistoryOptions,
): Promise<CallFigures[]> {
  const kilobytes: Array<number | undefined> = [];
  for (const call of calls) {
    const answer = await call.run(0);
    // A route's call answers its size in bytes.
    kilobytes.push(typeof answer === 'number' ? answer / 1024 : undefined);
  }
  const rounds = calls.map(() => [] as number[][]);
  for (let round = 0; round < options.rounds; round++) {
    for (let j = 0; j < calls.length; j++) {
      const i = (j + round) % calls.length;
      rounds[i].push(
        await underLoad(calls[i].run, options.concurrency, options.iterations),
      );
    }
    options.log(`  page queries: round ${round + 1}/${options.rounds} done`);
  }
  return calls.map((call, i) => ({
    name: call.name,
    ...(call.composite ? { composite: true } : {}),
    ...(call.store ? { store: true } : {}),
    ...(kilobytes[i] === undefined ? {} : { kilobytes: kilobytes[i] }),
    ...summarize(rounds[i]),
  }));
}

/** Serves the compliance routes; returns its URL and its stop. */
async function serve(
  router: express.Router,
  knex: UtilizationDatabase['knex'],
): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  // The baseline under HTTP: the same server, one `SELECT 1`, a tiny JSON answer.
  app.get('/bench/select-1', async (_req, res, next) => {
    try {
      await knex.raw('select 1');
      res.json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  app.use(router);
  app.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(500).json({ error: { message: error.message } });
    },
  );
  const server = http.createServer(app);
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise(done => server.close(done));
    },
  };
}

/**
 * Seeds the history and the waivers, then measures the compliance page's calls through the
 * routes, the baselines and the hourly snapshot.
 */
export async function runHistoryBench(
  options: HistoryOptions,
  parts: {
    config: InsightsConfig;
    checks: ComplianceCheck[];
  },
): Promise<HistoryFigures> {
  const { log } = options;
  const loadAtStart = os.loadavg()[0];
  const opened = await openUtilizationDatabase({
    connections: options.concurrency,
    sqlite: options.sqlite,
  });
  const db = opened;
  let stopServer: (() => Promise<void>) | undefined;
  try {
    log(
      `Database: ${db.engine}${
        opened.why ? ` (PostgreSQL not used: ${opened.why})` : ''
      }`,
    );
    await migrateDatabase(db.service);
    const logger = quietLogger();
    const history = await DatabaseHistoryStore.create({ database: db.service });
    const waiverStore = await DatabaseWaiverStore.create({
      database: db.service,
    });
    const waivers = new WaiverService({ store: waiverStore });
    // As the plugin builds it, the evaluation kept an hour so every call of the run finds it
    // cached (production keeps it cacheSeconds, 60 by default, then one caller waits for the
    // next evaluation: part 1's figure).
    const compliance = createComplianceService({
      config: {
        ...parts.config,
        compliance: { ...parts.config.compliance, cacheSeconds: 3600 },
      },
      checks: parts.checks,
      logger,
      waivers,
    });
    const evaluation = await compliance.evaluation();
    const teams = [
      ...new Set(evaluation.results.flatMap(r => (r.team ? [r.team] : []))),
    ].sort();
    const environments = [
      ...new Set(evaluation.results.map(r => r.environment)),
    ];
    const checkIds = parts.checks.map(c => c.id);

    const seedingStart = Date.now();
    const seededWaivers = await seedWaivers(
      waiverStore,
      evaluation.results,
      checkIds,
      teams,
    );
    const today = utcDay(new Date());
    // The history as scored then: today's waivers applied to every day.
    const scored = await compliance.current();
    const costCenters = scored.scorecards.costCenters.length;
    const rows = await seedHistory({
      store: history,
      compliance,
      base: scored.results,
      days: options.days,
      today,
      log,
    });
    if (db.engine.startsWith('PostgreSQL')) await db.knex.raw('analyze');
    const seconds = (Date.now() - seedingStart) / 1000;
    log(
      `Seeded in ${seconds.toFixed(1)} s: ${options.days} days of ${
        environments.length
      } environments, ${teams.length} teams, ${costCenters} cost centers, ${
        checkIds.length
      } checks (${rows.scoreRows} score rows, ${rows.checkRows} check rows); ${
        seededWaivers.total
      } waivers, ${seededWaivers.active} in force`,
    );

    // The plugin's router as createRouter builds it, with the compliance routes only.
    const leads = new Map<string, string>();
    const leadOf = (worker: number) => {
      const team = teams[(worker * 7) % teams.length];
      const ref = `user:default/lead-${team.split('/').pop()}`;
      leads.set(ref, team);
      return { ref, team };
    };
    for (let w = 0; w < options.concurrency; w++) leadOf(w);
    const gate = new TeamScopeGate({ permissions: policyPermissions(leads) });
    const router = createValidatedOpenApiRouter(loadOpenApiSpec(), {
      middleware: [express.json({ limit: '10kb' })],
      validatorOptions: { validateSecurity: false },
    }) as unknown as express.Router;
    addComplianceRoutes(router, {
      gate,
      caller: async (req: Request) => ({
        $$type: '@backstage/BackstageCredentials',
        principal: {
          type: 'user',
          userEntityRef: String(req.headers['x-bench-user']),
        },
      }),
      compliance,
      waivers: { service: waivers, auditor: noAudit },
      history,
    });
    const server = await serve(router, db.knex);
    stopServer = server.stop;

    // The answer read whole but not parsed: the browser parses it, not the backend's process.
    const get = async (user: string, path: string): Promise<number> => {
      const res = await fetch(`${server.url}${path}`, {
        headers: { 'x-bench-user': user },
      });
      const body = await res.arrayBuffer();
      if (res.status !== 200) {
        throw new Error(
          `GET ${path} as ${user}: ${res.status} ${Buffer.from(
            body,
          ).toString()}`,
        );
      }
      return body.byteLength;
    };
    const trendRange = { from: addDays(today, 1 - TREND_DAYS), to: today };
    const trend = `from=${addDays(today, 1 - TREND_DAYS)}&to=${today}`;
    const year = `from=${addDays(today, -365)}&to=${today}`;
    const envOf = (team: string) =>
      environments.find(e =>
        evaluation.results.some(r => r.environment === e && r.team === team),
      )!;
    const leadEnv = new Map(
      Array.from({ length: options.concurrency }, (_, w) => {
        const { team } = leadOf(w);
        return [w, envOf(team)];
      }),
    );
    const lead = (w: number) => leadOf(w).ref;
    const teamQ = (w: number) => `teams=${encodeURIComponent(leadOf(w).team)}`;
    const scorecards = (user: string) => get(user, '/compliance/scorecards');
    const trendOf = (user: string) => get(user, `/compliance/history?${trend}`);
    const waiverList = (user: string) => get(user, '/compliance/waivers');
    const calls: Call[] = [
      { name: 'scorecards, admin (platform)', run: () => scorecards(ADMIN) },
      { name: 'scorecards, lead (their team)', run: w => scorecards(lead(w)) },
      {
        name: "an environment's checks, lead",
        run: w => get(lead(w), `/compliance/environments/${leadEnv.get(w)}`),
      },
      {
        name: `history ${TREND_DAYS} days daily, admin (platform + every team)`,
        run: () => trendOf(ADMIN),
      },
      {
        name: `history ${TREND_DAYS} days daily, lead (team + 17 checks)`,
        run: w => trendOf(lead(w)),
      },
      {
        name: `  of which the store's reads alone, admin (3 at once, as the route)`,
        store: true,
        run: () =>
          Promise.all([
            history.scores('team', undefined, trendRange),
            history.scores('platform', [PLATFORM], trendRange),
            history.checks('platform', [PLATFORM], trendRange),
          ]),
      },
      {
        name: `  of which the store's reads alone, lead (2 at once, as the route)`,
        store: true,
        run: w =>
          Promise.all([
            history.scores('team', [leadOf(w).team], trendRange),
            history.checks('team', [leadOf(w).team], trendRange),
          ]),
      },
      {
        name: 'history a year weekly, admin (platform + every team)',
        run: () => get(ADMIN, `/compliance/history?${year}`),
      },
      {
        name: 'history a year weekly, lead (team + 17 checks)',
        run: w => get(lead(w), `/compliance/history?${teamQ(w)}&${year}`),
      },
      {
        name: "history a year weekly, one environment's (lead)",
        run: w =>
          get(
            lead(w),
            `/compliance/history?environment=${leadEnv.get(w)}&${year}`,
          ),
      },
      { name: 'waivers in force, admin', run: () => waiverList(ADMIN) },
      { name: 'waivers in force, lead', run: w => waiverList(lead(w)) },
      {
        name: 'page load (scorecards + trend + waivers at once), admin',
        composite: true,
        run: () =>
          Promise.all([scorecards(ADMIN), trendOf(ADMIN), waiverList(ADMIN)]),
      },
      {
        name: 'page load (scorecards + trend + waivers at once), lead',
        composite: true,
        run: w =>
          Promise.all([
            scorecards(lead(w)),
            trendOf(lead(w)),
            waiverList(lead(w)),
          ]),
      },
    ];
    const baselineCalls: Call[] = [
      {
        name: 'baseline: SELECT 1 (knex)',
        store: true,
        run: () => db.knex.raw('select 1'),
      },
      {
        name: 'baseline: SELECT 1 behind the same HTTP server',
        run: () => get(ADMIN, '/bench/select-1'),
      },
    ];
    log(
      `Page queries: ${options.concurrency} concurrent callers × ${options.iterations} each, ${options.rounds} rounds`,
    );
    const measured = await measureCalls([...baselineCalls, ...calls], options);
    const baselines = measured.slice(0, baselineCalls.length);
    const [select1, http1] = baselines.map(b => b.p95);
    const results: CallFigures[] = measured
      .slice(baselineCalls.length)
      .map(c => ({ ...c, ratio: c.p95 / select1, httpRatio: c.p95 / http1 }));

    // The hourly task: the cached answer with the waivers applied, today's rows replaced, the
    // purge; and the write alone.
    const snapshotter = new HistorySnapshotter({
      compliance,
      store: history,
      historyDays: parts.config.compliance.historyDays,
      logger,
    });
    const runs: number[] = [];
    const written: Array<Awaited<ReturnType<HistorySnapshotter['run']>>> = [];
    for (let i = 0; i < options.rounds; i++) {
      const t0 = performance.now();
      written.push(await snapshotter.run());
      runs.push(performance.now() - t0);
    }
    const result = written[written.length - 1];
    const snapshot = snapshotOf(await compliance.current(), today);
    const writes: number[] = [];
    for (let i = 0; i < options.rounds; i++) {
      writes.push(await timed(() => history.writeDay(snapshot)));
    }
    const worst = results
      .filter(c => !c.composite && !c.store)
      .reduce((a, b) => (b.p95 > a.p95 ? b : a));
    return {
      database: db.engine,
      seeded: {
        days: options.days,
        environments: environments.length,
        teams: teams.length,
        costCenters,
        checks: checkIds.length,
        ...rows,
        waivers: seededWaivers.total,
        activeWaivers: seededWaivers.active,
        seconds,
      },
      concurrency: options.concurrency,
      iterations: options.iterations,
      rounds: options.rounds,
      calls: results,
      baselines,
      snapshot: {
        scores: result.scores,
        checks: result.checks,
        runMedianMs: median(runs),
        runMaxMs: Math.max(...runs),
        writeDayMedianMs: median(writes),
      },
      worst: { name: worst.name, p95: worst.p95 },
      loadAverage: [loadAtStart, os.loadavg()[0]],
    };
  } finally {
    await stopServer?.();
    await db.close();
  }
}

/** The figures as the output prints them. */
export function printHistory(
  figures: HistoryFigures,
  log: (line: string) => void,
) {
  const [select1, http1] = figures.baselines;
  log(
    `Page queries over ${figures.seeded.days} days of history (${
      figures.database.split(' (')[0]
    }), through the routes, ${figures.concurrency} concurrent callers × ${
      figures.iterations
    }, median over ${figures.rounds} rounds of each round's p50 and p95:`,
  );
  log(
    '| call | answer KB | p50 ms | p95 ms | p95 / SELECT 1 | p95 / HTTP SELECT 1 |',
  );
  log('| --- | ---: | ---: | ---: | ---: | ---: |');
  const kb = (c: CallFigures) =>
    c.kilobytes === undefined
      ? ''
      : c.kilobytes.toFixed(c.kilobytes < 10 ? 1 : 0);
  for (const b of figures.baselines) {
    log(`| ${b.name} | ${kb(b)} | ${ms(b.p50)} | ${ms(b.p95)} | | |`);
  }
  for (const c of figures.calls) {
    log(
      `| ${c.name} | ${kb(c)} | ${ms(c.p50)} | ${ms(c.p95)} | ${(
        c.ratio ?? NaN
      ).toFixed(0)}x | ${(c.httpRatio ?? NaN).toFixed(1)}x |`,
    );
  }
  log(
    `  (HTTP plumbing alone: ${ms(
      http1.p95,
    )} ms p95 for a SELECT 1 behind the same server, ${ms(
      select1.p95,
    )} ms by knex)`,
  );
  const s = figures.snapshot;
  log(
    `Hourly snapshot (HistorySnapshotter.run: ${s.scores} score rows + ${
      s.checks
    } check rows replaced, purge), median of ${figures.rounds}: ${ms(
      s.runMedianMs,
    )} ms (slowest ${ms(s.runMaxMs)} ms); writeDay alone ${ms(
      s.writeDayMedianMs,
    )} ms`,
  );
}
