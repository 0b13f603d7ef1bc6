import { pluginCallLane } from './pluginCallLane';

const jwt = (typ: string) =>
  `${Buffer.from(JSON.stringify({ typ, alg: 'ES256' })).toString(
    'base64url',
  )}.${Buffer.from('{}').toString('base64url')}.sig`;

function laneOf() {
  let lane: any;
  const routes = jest.fn();
  pluginCallLane({
    app: { use: (handler: any) => (lane = handler) } as any,
    routes: routes as any,
  });
  return (req: object) => {
    const next = jest.fn();
    routes.mockClear();
    lane(
      { method: 'POST', url: '/api/permission/authorize', headers: {}, ...req },
      {},
      next,
    );
    if (routes.mock.calls.length > 0) return 'lane';
    return next.mock.calls.length > 0 ? 'defaults' : 'none';
  };
}

describe('pluginCallLane', () => {
  const send = laneOf();
  const plugin = { authorization: `Bearer ${jwt('vnd.backstage.plugin')}` };

  it("sends a plugin's permission check straight to the routes", () => {
    expect(send({ headers: plugin })).toBe('lane');
  });

  it('leaves everything else to the default middleware', () => {
    expect(send({ headers: { ...plugin, origin: 'http://portal' } })).toBe(
      'defaults',
    );
    expect(
      send({
        headers: { authorization: `Bearer ${jwt('vnd.backstage.user')}` },
      }),
    ).toBe('defaults');
    expect(send({ headers: {} })).toBe('defaults');
    expect(send({ headers: { authorization: 'Bearer not-a-jwt' } })).toBe(
      'defaults',
    );
    expect(send({ headers: { authorization: 'Bearer %%%.e30.x' } })).toBe(
      'defaults',
    );
    expect(send({ headers: plugin, method: 'GET' })).toBe('defaults');
    expect(
      send({ headers: plugin, url: '/api/permission/authorize?x=1' }),
    ).toBe('defaults');
    expect(send({ headers: plugin, url: '/api/catalog/entities' })).toBe(
      'defaults',
    );
  });
});
