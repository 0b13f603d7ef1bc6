import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  environmentCreatePermission,
  environmentDeletePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  jobCancelPermission,
  jobCreatePermission,
  jobReadPermission,
  quotaReadPermission,
} from '@genai-portal/plugin-genai-playground-common';
import { GenaiPlaygroundPermissionPolicy } from './GenaiPlaygroundPermissionPolicy';
import { CatalogTeamLeads } from './TeamLeads';

function group(name: string, leads?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name,
      namespace: 'default',
      annotations: leads ? { 'genai-playground.io/leads': leads } : {},
    },
    spec: { type: 'team', children: [] },
  };
}

/** catalog/org.yaml, plus a lead who is not a member of the team they lead. */
const orgEntities = [
  group('platform-team', 'priya.raman'),
  group('ml-research', 'marco.rossi, user:default/sofia.costa'),
  group('genai-apps', 'amara.okafor'),
];

/** A signed-in user as the permission backend hands it to the policy. */
function user(name: string, groups: string[]): PolicyQueryUser {
  const userEntityRef = `user:default/${name}`;
  return {
    credentials: mockCredentials.user(userEntityRef),
    info: {
      userEntityRef,
      ownershipEntityRefs: [
        userEntityRef,
        ...groups.map(g => `group:default/${g}`),
      ],
    },
  };
}

const lena = user('lena.fischer', ['ml-research']);
const marco = user('marco.rossi', ['ml-research']);
const sofia = user('sofia.costa', ['data-office']);
const priya = user('priya.raman', ['platform-team']);
const kenji = user('kenji.sato', ['genai-apps']);

function setup(config: { genaiPlayground?: { adminGroups: string[] } } = {}) {
  const catalog = catalogServiceMock({ entities: orgEntities });
  const getEntities = jest.spyOn(catalog, 'getEntities');
  const policy = GenaiPlaygroundPermissionPolicy.fromConfig(
    mockServices.rootConfig({ data: config }),
    {
      leads: new CatalogTeamLeads({
        catalog,
        auth: mockServices.auth({ pluginId: 'permission' }),
        logger: mockServices.logger.mock(),
      }),
    },
  );
  const decide = (permission: Permission, who?: PolicyQueryUser) =>
    policy.handle({ permission }, who);
  return { decide, getEntities };
}

const conditional = (teams: string[], owner: string) => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'genai-playground',
  resourceType: 'genai-playground-environment',
  conditions: {
    anyOf: [
      {
        rule: 'IS_IN_TEAM',
        resourceType: 'genai-playground-environment',
        params: { teams },
      },
      {
        rule: 'IS_OWNER',
        resourceType: 'genai-playground-environment',
        params: { owners: [owner] },
      },
    ],
  },
});

const allow = { result: AuthorizeResult.ALLOW };

describe('GenaiPlaygroundPermissionPolicy', () => {
  it.each([
    environmentCreatePermission,
    environmentReadPermission,
    environmentUpdatePermission,
    environmentDeletePermission,
    quotaReadPermission,
  ])('allows a service principal $name', async permission => {
    const { decide } = setup();
    expect(await decide(permission)).toEqual(allow);
  });

  it.each([
    environmentCreatePermission,
    environmentReadPermission,
    environmentUpdatePermission,
    environmentDeletePermission,
    quotaReadPermission,
  ])('allows an admin (platform-team) $name on any team', async permission => {
    const { decide } = setup();
    expect(await decide(permission, priya)).toEqual(allow);
  });

  it('takes the admin groups from genaiPlayground.adminGroups', async () => {
    const { decide } = setup({
      genaiPlayground: { adminGroups: ['genai-apps'] },
    });
    expect(await decide(environmentDeletePermission, kenji)).toEqual(allow);
    expect(await decide(environmentDeletePermission, priya)).toEqual(
      conditional(['group:default/platform-team'], 'user:default/priya.raman'),
    );
  });

  it('allows anyone to ask to create an environment: the backend checks the team', async () => {
    const { decide } = setup();
    expect(await decide(environmentCreatePermission, lena)).toEqual(allow);
    expect(await decide(environmentCreatePermission, sofia)).toEqual(allow);
  });

  it('allows anyone to read quotas', async () => {
    const { decide } = setup();
    expect(await decide(quotaReadPermission, kenji)).toEqual(allow);
  });

  it.each([
    environmentReadPermission,
    environmentUpdatePermission,
    environmentDeletePermission,
  ])(
    'lets a member $name the environments of their teams or their own',
    async permission => {
      const { decide } = setup();
      expect(await decide(permission, lena)).toEqual(
        conditional(['group:default/ml-research'], 'user:default/lena.fischer'),
      );
    },
  );

  it('passes every group of a member of several teams', async () => {
    const { decide } = setup();
    const both = user('ana.lopez', ['ml-research', 'genai-apps']);
    expect(await decide(environmentUpdatePermission, both)).toEqual(
      conditional(
        ['group:default/ml-research', 'group:default/genai-apps'],
        'user:default/ana.lopez',
      ),
    );
  });

  it('lets a lead read their team (they are members too)', async () => {
    const { decide } = setup();
    expect(await decide(environmentReadPermission, marco)).toEqual(
      conditional(['group:default/ml-research'], 'user:default/marco.rossi'),
    );
  });

  it('lets a lead who is not a member read the team, but not extend or delete', async () => {
    const { decide } = setup();
    expect(await decide(environmentReadPermission, sofia)).toEqual(
      conditional(
        ['group:default/data-office', 'group:default/ml-research'],
        'user:default/sofia.costa',
      ),
    );
    expect(await decide(environmentUpdatePermission, sofia)).toEqual(
      conditional(['group:default/data-office'], 'user:default/sofia.costa'),
    );
    expect(await decide(environmentDeletePermission, sofia)).toEqual(
      conditional(['group:default/data-office'], 'user:default/sofia.costa'),
    );
  });

  it('gives a user in no team only their own environments', async () => {
    const { decide } = setup();
    const loner = user('new.hire', []);
    expect(await decide(environmentReadPermission, loner)).toEqual(
      conditional([], 'user:default/new.hire'),
    );
  });

  it('reads the leads from the catalog once a minute, not per decision', async () => {
    const { decide, getEntities } = setup();
    await decide(environmentReadPermission, sofia);
    await decide(environmentReadPermission, lena);
    await decide(environmentReadPermission, marco);
    expect(getEntities).toHaveBeenCalledTimes(1);
    expect(getEntities).toHaveBeenCalledWith(
      expect.objectContaining({ filter: { kind: 'Group' } }),
      {
        credentials: mockCredentials.service('plugin:permission'),
      },
    );
  });

  it('still decides on membership when the catalog cannot be read', async () => {
    const { decide, getEntities } = setup();
    getEntities.mockRejectedValueOnce(new Error('catalog down'));
    expect(await decide(environmentReadPermission, sofia)).toEqual(
      conditional(['group:default/data-office'], 'user:default/sofia.costa'),
    );
    // The failure is not cached: the next decision asks again.
    expect(await decide(environmentReadPermission, sofia)).toEqual(
      conditional(
        ['group:default/data-office', 'group:default/ml-research'],
        'user:default/sofia.costa',
      ),
    );
  });

  it.each([
    createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    }),
    createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
      resourceType: 'catalog-entity',
    }),
    createPermission({
      name: 'scaffolder.action.execute',
      attributes: {},
      resourceType: 'scaffolder-action',
    }),
    createPermission({
      name: 'kubernetes.proxy',
      attributes: {},
    }),
  ])('allows the rest of the portal: $name', async permission => {
    const { decide } = setup();
    expect(await decide(permission, kenji)).toEqual(allow);
  });

  describe('blueprint jobs follow their environment', () => {
    it.each([jobCreatePermission, jobReadPermission, jobCancelPermission])(
      '$name is conditional on the environment: its team or its owner',
      async permission => {
        const { decide } = setup();
        expect(await decide(permission, lena)).toEqual(
          conditional(
            ['group:default/ml-research'],
            'user:default/lena.fischer',
          ),
        );
      },
    );

    it('lets a lead who is not a member read the jobs of the team, not submit or cancel them', async () => {
      const { decide } = setup();
      expect(await decide(jobReadPermission, sofia)).toEqual(
        conditional(
          ['group:default/data-office', 'group:default/ml-research'],
          'user:default/sofia.costa',
        ),
      );
      for (const permission of [jobCreatePermission, jobCancelPermission]) {
        expect(await decide(permission, sofia)).toEqual(
          conditional(
            ['group:default/data-office'],
            'user:default/sofia.costa',
          ),
        );
      }
    });

    it.each([jobCreatePermission, jobReadPermission, jobCancelPermission])(
      'allows admins and services $name',
      async permission => {
        const { decide } = setup();
        expect(await decide(permission, priya)).toEqual(allow);
        expect(await decide(permission)).toEqual(allow);
      },
    );
  });
});
