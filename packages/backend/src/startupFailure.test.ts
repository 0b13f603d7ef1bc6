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

  it('describes values that are not errors', () => {
    expect(describeStartupFailure('boom')).toBe('boom');
  });
});
