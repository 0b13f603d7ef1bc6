import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { describeIssues, feedPageSchema, type FeedPage } from './factSchemas';

/** The playground plugin, whose feed this reads. */
export const PLAYGROUND_PLUGIN_ID = 'genai-playground';

/** The feed did not answer, or answered something that is not a page: nothing was read. */
export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedError';
  }
}

/** Reads pages of a feed of facts. */
export interface FeedClient {
  /** The page after `cursor` (from the beginning without one), checked; throws a FeedError. */
  fetchPage(options: {
    after?: string;
    limit: number;
    signal?: AbortSignal;
  }): Promise<FeedPage>;
}

/**
 * The playground's incremental feed, `GET /api/genai-playground/facts?after=&limit=`, read as
 * this plugin's own service principal. Every page is checked whole before it is returned.
 */
export class PlaygroundFeedClient implements FeedClient {
  constructor(
    private readonly options: {
      discovery: Pick<DiscoveryService, 'getBaseUrl'>;
      auth: Pick<
        AuthService,
        'getOwnServiceCredentials' | 'getPluginRequestToken'
      >;
      fetch?: typeof fetch;
      /** Milliseconds a page may take. */
      timeoutMs?: number;
    },
  ) {}

  async fetchPage(options: {
    after?: string;
    limit: number;
    signal?: AbortSignal;
  }): Promise<FeedPage> {
    const { auth, discovery } = this.options;
    const base = await discovery.getBaseUrl(PLAYGROUND_PLUGIN_ID);
    const query = new URLSearchParams({ limit: String(options.limit) });
    if (options.after) query.set('after', options.after);
    const url = `${base}/facts?${query}`;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: PLAYGROUND_PLUGIN_ID,
    });
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeout])
      : timeout;
    let response: Response;
    let body: unknown;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
        },
        signal,
      });
      const text = await response.text();
      if (!response.ok) {
        throw new FeedError(
          `GET ${url} answered ${response.status}: ${text.slice(0, 300)}`,
        );
      }
      body = JSON.parse(text);
    } catch (error) {
      if (error instanceof FeedError) throw error;
      throw new FeedError(`GET ${url} failed: ${(error as Error).message}`);
    }
    const page = feedPageSchema.safeParse(body);
    if (!page.success) {
      throw new FeedError(
        `GET ${url} answered a page of the wrong shape: ${describeIssues(
          page.error,
        )}`,
      );
    }
    return page.data;
  }
}
