import { mockServices } from '@backstage/backend-test-utils';
import { event } from '../__testUtils__/fixtures';
import { FakeFeed } from './__testUtils__/FakeFeed';
import { FeedError, PlaygroundFeedClient } from './PlaygroundFeedClient';

describe('PlaygroundFeedClient', () => {
  let feed: FakeFeed;
  let client: PlaygroundFeedClient;
  beforeEach(async () => {
    feed = await FakeFeed.start();
    client = new PlaygroundFeedClient({
      discovery: feed.discovery(),
      auth: mockServices.auth({ pluginId: 'genai-insights' }),
    });
  });
  afterEach(() => feed.close());

  it('reads a page as the plugin, for the playground', async () => {
    feed.append({
      environmentEvents: [event({ id: 'e1', at: '2026-12-01T00:00:00Z' })],
    });
    const page = await client.fetchPage({ limit: 10 });
    expect(page).toEqual({
      facts: {
        environmentEvents: [expect.objectContaining({ id: 'e1' })],
        jobs: [],
        tokens: [],
      },
      cursor: 'MQ',
      more: false,
    });
    await client.fetchPage({ after: page.cursor, limit: 5 });
    expect(feed.queries).toEqual([
      { limit: '10' },
      { after: 'MQ', limit: '5' },
    ]);
    const token = feed.authorizations[0].replace(
      /^Bearer mock-service-token:/,
      '',
    );
    expect(JSON.parse(token)).toEqual({
      sub: 'plugin:genai-insights',
      target: 'genai-playground',
    });
  });

  it.each([
    [
      { status: 500, body: { error: { message: 'boom' } } },
      /answered 500: .*boom/,
    ],
    [
      { status: 403, body: { error: { name: 'NotAllowedError' } } },
      /answered 403/,
    ],
    [{ body: 'not a page' }, /wrong shape: \(root\)/],
    [
      { body: { facts: {}, cursor: 'x', more: false } },
      /wrong shape: facts\.environmentEvents/,
    ],
  ])(
    'throws a FeedError for an answer that is not a page (%#)',
    async (override, message) => {
      feed.overrides.push(override);
      const error = await client.fetchPage({ limit: 10 }).catch(e => e);
      expect(error).toBeInstanceOf(FeedError);
      expect(error.message).toMatch(message);
    },
  );

  it('throws a FeedError when nothing answers', async () => {
    const url = feed.baseUrl;
    await feed.close();
    const down = new PlaygroundFeedClient({
      discovery: { getBaseUrl: async () => url },
      auth: mockServices.auth(),
    });
    await expect(down.fetchPage({ limit: 1 })).rejects.toThrow(FeedError);
    feed = await FakeFeed.start();
  });
});
