import type {
  EnvironmentEvent,
  JobGpuRecord,
  TokenUsage,
} from '@genai-portal/plugin-genai-insights-common';
import express from 'express';
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';

type Entry =
  | { kind: 'environmentEvents'; item: EnvironmentEvent }
  | { kind: 'jobs'; item: JobGpuRecord }
  | { kind: 'tokens'; item: TokenUsage };

/**
 * The playground's feed contract, `GET /api/genai-playground/facts?after=&limit=`, served by an
 * in-process express server from facts the test appends (tests only). The cursor is the
 * position in what was appended, base64url; a job appended again (with its end) is delivered
 * again, as the playground does.
 */
export class FakeFeed {
  private readonly entries: Entry[] = [];
  private server?: Server;
  /** Answers instead of the next pages, in order (a bad shape, an error status). */
  readonly overrides: Array<{ status?: number; body: unknown }> = [];
  /** The Authorization header of each request. */
  readonly authorizations: string[] = [];
  /** The query of each request. */
  readonly queries: Array<Record<string, unknown>> = [];

  static async start(): Promise<FakeFeed> {
    const feed = new FakeFeed();
    const app = express();
    app.get('/api/genai-playground/facts', (req, res) => feed.answer(req, res));
    feed.server = app.listen(0, '127.0.0.1');
    await once(feed.server, 'listening');
    return feed;
  }

  /** The plugin's base URL, as discovery gives it. */
  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/genai-playground`;
  }

  /** A discovery that sends `genai-playground` here. */
  discovery() {
    return {
      getBaseUrl: async (pluginId: string) => {
        if (pluginId !== 'genai-playground') {
          throw new Error(`unexpected plugin ${pluginId}`);
        }
        return this.baseUrl;
      },
    };
  }

  append(facts: {
    environmentEvents?: EnvironmentEvent[];
    jobs?: JobGpuRecord[];
    tokens?: TokenUsage[];
  }): void {
    for (const item of facts.environmentEvents ?? []) {
      this.entries.push({ kind: 'environmentEvents', item });
    }
    for (const item of facts.jobs ?? []) {
      this.entries.push({ kind: 'jobs', item });
    }
    for (const item of facts.tokens ?? []) {
      this.entries.push({ kind: 'tokens', item });
    }
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.close();
    await once(this.server, 'close');
  }

  private answer(req: express.Request, res: express.Response) {
    this.queries.push({ ...req.query });
    this.authorizations.push(req.headers.authorization ?? '');
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      res.status(401).json({ error: { name: 'AuthenticationError' } });
      return;
    }
    const override = this.overrides.shift();
    if (override) {
      res.status(override.status ?? 200).json(override.body);
      return;
    }
    const after =
      typeof req.query.after === 'string'
        ? Number(Buffer.from(req.query.after, 'base64url').toString())
        : 0;
    const limit = Number(req.query.limit ?? 1000);
    const page = this.entries.slice(after, after + limit);
    const next = after + page.length;
    const of = <K extends Entry['kind']>(kind: K) =>
      page.filter(e => e.kind === kind).map(e => e.item) as Extract<
        Entry,
        { kind: K }
      >['item'][];
    res.json({
      facts: {
        environmentEvents: of('environmentEvents'),
        jobs: of('jobs'),
        tokens: of('tokens'),
      },
      cursor: Buffer.from(String(next)).toString('base64url'),
      more: next < this.entries.length,
    });
  }
}

/** A clock tests set and move by hand. */
export function fakeClock(start: string) {
  let now = Date.parse(start);
  const clock = () => new Date(now);
  return Object.assign(clock, {
    set(time: string) {
      now = Date.parse(time);
    },
    advance(ms: number) {
      now += ms;
    },
  });
}
