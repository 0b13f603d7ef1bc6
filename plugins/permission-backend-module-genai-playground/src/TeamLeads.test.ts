import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogTeamLeads, parseLeads } from './TeamLeads';

describe('parseLeads', () => {
  it('reads comma-separated user names and refs', () => {
    expect(
      parseLeads(' marco.rossi ,user:default/sofia.costa,, user:ops/ana '),
    ).toEqual([
      'user:default/marco.rossi',
      'user:default/sofia.costa',
      'user:ops/ana',
    ]);
    expect(parseLeads(undefined)).toEqual([]);
  });
});

describe('CatalogTeamLeads', () => {
  const group = (name: string, leads?: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name,
      namespace: 'default',
      annotations: leads ? { 'genai-playground.io/leads': leads } : {},
    },
    spec: { type: 'team', children: [] },
  });

  function setup() {
    let now = 0;
    const catalog = catalogServiceMock({
      entities: [
        group('ml-research', 'marco.rossi'),
        group('genai-apps', 'amara.okafor, marco.rossi'),
        group('interns'),
      ],
    });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const leads = new CatalogTeamLeads({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      now: () => now,
    });
    return { leads, getEntities, advance: (ms: number) => (now += ms) };
  }

  it('finds every team a user leads', async () => {
    const { leads } = setup();
    expect(await leads.getTeamsLedBy('user:default/marco.rossi')).toEqual([
      'group:default/ml-research',
      'group:default/genai-apps',
    ]);
    expect(await leads.getTeamsLedBy('user:default/lena.fischer')).toEqual([]);
  });

  it('reloads after a minute', async () => {
    const { leads, getEntities, advance } = setup();
    await Promise.all([
      leads.getTeamsLedBy('user:default/marco.rossi'),
      leads.getTeamsLedBy('user:default/amara.okafor'),
    ]);
    advance(59_000);
    await leads.getTeamsLedBy('user:default/marco.rossi');
    expect(getEntities).toHaveBeenCalledTimes(1);
    advance(1_000);
    await leads.getTeamsLedBy('user:default/marco.rossi');
    expect(getEntities).toHaveBeenCalledTimes(2);
  });
});
