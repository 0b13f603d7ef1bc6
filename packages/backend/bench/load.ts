import { performance } from 'node:perf_hooks';
import http from 'node:http';

/** One kind of request of the mix: a route's name and the paths it asks, taken in turn. */
export interface RouteMix {
  route: string;
  weight: number;
  paths: string[];
}

export interface LoadResult {
  seconds: number;
  /** Latencies (ms) and error count per route. */
  routes: Map<
    string,
    { latencies: number[]; errors: number; statuses: Set<number> }
  >;
}

/**
 * A closed loop: `users` workers each send a request of the mix, wait for the whole answer and
 * send the next, until `seconds` have passed; so `users` requests are in flight the whole time.
 * The weights make a deck every worker walks from its own offset, so every route gets its share
 * however short the round.
 */
export async function closedLoop(options: {
  baseUrl: string;
  token?: string;
  users: number;
  seconds: number;
  mix: RouteMix[];
}): Promise<LoadResult> {
  const deck = options.mix.flatMap(m => Array(m.weight).fill(m) as RouteMix[]);
  const routes: LoadResult['routes'] = new Map(
    options.mix.map(m => [
      m.route,
      { latencies: [], errors: 0, statuses: new Set<number>() },
    ]),
  );
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: options.users,
  });
  const headers: http.OutgoingHttpHeaders = options.token
    ? { authorization: `Bearer ${options.token}` }
    : {};
  const start = performance.now();
  const deadline = start + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.users }, async (_, worker) => {
      for (let n = worker; performance.now() < deadline; n++) {
        const mix = deck[n % deck.length];
        const path = mix.paths[(n * 7919 + worker) % mix.paths.length];
        const figures = routes.get(mix.route)!;
        const t0 = performance.now();
        try {
          const status = await get(`${options.baseUrl}${path}`, headers, agent);
          figures.latencies.push(performance.now() - t0);
          if (status >= 400) {
            figures.errors++;
            figures.statuses.add(status);
          }
        } catch {
          figures.latencies.push(performance.now() - t0);
          figures.errors++;
          figures.statuses.add(0);
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { seconds, routes };
}

/** GETs `url` and reads the whole answer; resolves with its status. */
function get(
  url: string,
  headers: http.OutgoingHttpHeaders,
  agent: http.Agent,
): Promise<number> {
  return new Promise((done, fail) => {
    http
      .get(url, { headers, agent }, res => {
        res.on('data', () => {});
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', fail);
      })
      .on('error', fail);
  });
}
