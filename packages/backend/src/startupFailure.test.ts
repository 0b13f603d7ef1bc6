import { describeStartupFailure } from './startupFailure';

describe('describeStartupFailure', () => {
  it('names the innermost cause and the plugin it broke', () => {
    const root = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const wrapped = new Error("Plugin 'catalog' startup failed", {
      cause: new Error('Failed to instantiate service', { cause: root }),
    });
    expect(describeStartupFailure(wrapped)).toBe(
      "connect ECONNREFUSED 127.0.0.1:5432 (while starting plugin 'catalog')",
    );
  });

  it("names the root of Backstage's startup error listing every plugin once", () => {
    const missing = (plugin: string) =>
      new Error(
        `Failed to instantiate service 'core.httpRouter' for '${plugin}' because the factory function threw an error, Error: Failed to instantiate service 'core.auth' for '${plugin}' because the factory function threw an error, Error: Missing required config value at 'backend.auth.externalAccess[0].options.token' in 'env'`,
      );
    const startupError = (failed: Array<[string, Error]>) =>
      Object.assign(
        new Error('Backend startup failed due to the following errors:'),
        {
          result: {
            plugins: [
              { pluginId: 'ok', modules: [] },
              ...failed.map(([pluginId, error]) => ({
                pluginId,
                failure: { error, allowed: false },
                modules: [],
              })),
            ],
          },
        },
      );
    expect(
      describeStartupFailure(
        startupError([
          ['app', missing('app')],
          ['catalog', missing('catalog')],
          ['auth', missing('auth')],
        ]),
      ),
    ).toBe(
      "Missing required config value at 'backend.auth.externalAccess[0].options.token' in 'env' (while starting plugin 'app'; 2 other plugins failed the same way)",
    );
    expect(
      describeStartupFailure(
        startupError([
          ['app', missing('app')],
          ['catalog', new Error('boom')],
        ]),
      ),
    ).toBe(
      "Missing required config value at 'backend.auth.externalAccess[0].options.token' in 'env' (while starting plugin 'app'; 1 other plugin failed too)",
    );
    expect(
      describeStartupFailure(startupError([['catalog', new Error('boom')]])),
    ).toBe("boom (while starting plugin 'catalog')");
  });

  it('describes values that are not errors', () => {
    expect(describeStartupFailure('boom')).toBe('boom');
  });
});
