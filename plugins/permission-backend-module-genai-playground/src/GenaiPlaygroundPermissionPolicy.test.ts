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
  budgetManagePermission,
  costCenterBudgetManagePermission,
  costReadPermission,
  gpuReadPermission,
  complianceReadPermission,
  complianceWaivePermission,
} from '@genai-portal/plugin-genai-insights-common';
import {
  apiKeyCreatePermission,
  apiKeyReadPermission,
  environmentCreatePermission,
  environmentDeletePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentUsePermission,
  inferenceDeployPermission,
  inferenceUsageReadPermission,
  inferenceUsePermission,
  jobCancelPermission,
  jobCreatePermission,
  jobReadPermission,
  kubernetesWorkloadsReadPermission,
  metricsReadPermission,
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

const teams = (list: string[]) => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'genai-playground',
  resourceType: 'genai-playground-environment',
  conditions: {
    rule: 'IS_IN_TEAM',
    resourceType: 'genai-playground-environment',
    params: { teams: list },
  },
});

const allow = { result: AuthorizeResult.ALLOW };
const deny = { result: AuthorizeResult.DENY };

const backstage = (name: string, resourceType?: string) =>
  createPermission({
    name,
    attributes: {},
    ...(resourceType ? { resourceType } : {}),
  } as any) as Permission;

/** Every permission of the playground decided per environment. */
const environmentPermissions = [
  environmentCreatePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentDeletePermission,
  environmentUsePermission,
  jobCreatePermission,
  jobReadPermission,
  jobCancelPermission,
  apiKeyCreatePermission,
  apiKeyReadPermission,
  inferenceDeployPermission,
  inferenceUsageReadPermission,
];

describe('GenaiPlaygroundPermissionPolicy', () => {
  it.each([...environmentPermissions, metricsReadPermission])(
    'allows a service principal $name',
    async permission => {
      const { decide } = setup();
      expect(await decide(permission)).toEqual(allow);
    },
  );

  it.each([
    ...environmentPermissions,
    metricsReadPermission,
    backstage('kubernetes.proxy'),
    backstage('catalog.location.delete'),
    backstage('scaffolder.template.management'),
    backstage('some-plugin.new.permission'),
  ])('allows an admin (platform-team) $name', async permission => {
    const { decide } = setup();
    expect(await decide(permission, priya)).toEqual(allow);
  });

  it('takes the admin groups from genaiPlayground.adminGroups', async () => {
    const { decide } = setup({
      genaiPlayground: { adminGroups: ['genai-apps'] },
    });
    expect(await decide(environmentDeletePermission, kenji)).toEqual(allow);
    expect(await decide(environmentDeletePermission, priya)).toEqual(
      teams(['group:default/platform-team']),
    );
  });

  it.each(environmentPermissions)(
    'scopes $name to the environments of the user’s teams, never their own alone',
    async permission => {
      const { decide } = setup();
      expect(await decide(permission, lena)).toEqual(
        teams(['group:default/ml-research']),
      );
    },
  );

  it('passes every group of a member of several teams', async () => {
    const { decide } = setup();
    const both = user('ana.lopez', ['ml-research', 'genai-apps']);
    expect(await decide(environmentUpdatePermission, both)).toEqual(
      teams(['group:default/ml-research', 'group:default/genai-apps']),
    );
  });

  it('lets a lead who is not a member read the team, not change it', async () => {
    const { decide } = setup();
    for (const read of [
      environmentReadPermission,
      jobReadPermission,
      apiKeyReadPermission,
      inferenceUsageReadPermission,
    ]) {
      expect(await decide(read, sofia)).toEqual(
        teams(['group:default/data-office', 'group:default/ml-research']),
      );
    }
    for (const write of [
      environmentCreatePermission,
      environmentUpdatePermission,
      environmentDeletePermission,
      environmentUsePermission,
      jobCreatePermission,
      jobCancelPermission,
      apiKeyCreatePermission,
      inferenceDeployPermission,
    ]) {
      expect(await decide(write, sofia)).toEqual(
        teams(['group:default/data-office']),
      );
    }
  });

  it('gives a user in no team no environment, not even one they created', async () => {
    const { decide } = setup();
    const loner = user('new.hire', []);
    expect(await decide(environmentReadPermission, loner)).toEqual(teams([]));
  });

  it('opens quotas and the gateway to every user, metrics to none', async () => {
    const { decide } = setup();
    expect(await decide(quotaReadPermission, kenji)).toEqual(allow);
    expect(await decide(inferenceUsePermission, kenji)).toEqual(allow);
    expect(await decide(metricsReadPermission, kenji)).toEqual(deny);
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
      teams(['group:default/data-office']),
    );
    // The failure is not cached: the next decision asks again.
    expect(await decide(environmentReadPermission, sofia)).toEqual(
      teams(['group:default/data-office', 'group:default/ml-research']),
    );
  });

  describe('costs (genai-insights): members and leads read, leads budget, admins all', () => {
    const insightsTeams = (list: string[]) => ({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'genai-insights',
      resourceType: 'genai-insights-team',
      conditions: {
        rule: 'IS_TEAM',
        resourceType: 'genai-insights-team',
        params: { teams: list },
      },
    });
    const insights = [
      costReadPermission,
      gpuReadPermission,
      complianceReadPermission,
      complianceWaivePermission,
      budgetManagePermission,
      costCenterBudgetManagePermission,
    ];

    it.each(insights)('allows a service principal $name', async permission => {
      const { decide } = setup();
      expect(await decide(permission)).toEqual(allow);
    });

    it.each(insights)('allows an admin $name', async permission => {
      const { decide } = setup();
      expect(await decide(permission, priya)).toEqual(allow);
    });

    it("lets a user read their teams' costs and the teams they lead", async () => {
      const { decide } = setup();
      expect(await decide(costReadPermission, lena)).toEqual(
        insightsTeams(['group:default/ml-research']),
      );
      // A lead who is a member: the team once.
      expect(await decide(costReadPermission, marco)).toEqual(
        insightsTeams(['group:default/ml-research']),
      );
      expect(await decide(costReadPermission, sofia)).toEqual(
        insightsTeams([
          'group:default/data-office',
          'group:default/ml-research',
        ]),
      );
      expect(await decide(costReadPermission, kenji)).toEqual(
        insightsTeams(['group:default/genai-apps']),
      );
      expect(await decide(costReadPermission, user('new.hire', []))).toEqual(
        insightsTeams([]),
      );
    });

    it('decides GPU utilization as costs: members and leads their teams', async () => {
      const { decide } = setup();
      for (const who of [lena, marco, sofia, kenji, user('new.hire', [])]) {
        expect(await decide(gpuReadPermission, who)).toEqual(
          await decide(costReadPermission, who),
        );
      }
      expect(await decide(gpuReadPermission, kenji)).toEqual(
        insightsTeams(['group:default/genai-apps']),
      );
    });

    it('decides compliance as costs: members and leads their teams', async () => {
      const { decide } = setup();
      for (const who of [lena, marco, sofia, kenji, user('new.hire', [])]) {
        expect(await decide(complianceReadPermission, who)).toEqual(
          await decide(costReadPermission, who),
        );
      }
    });

    it("lets leads set their teams' budgets, members none", async () => {
      const { decide } = setup();
      expect(await decide(budgetManagePermission, marco)).toEqual(
        insightsTeams(['group:default/ml-research']),
      );
      expect(await decide(budgetManagePermission, sofia)).toEqual(
        insightsTeams(['group:default/ml-research']),
      );
      // Members, of the team and of another: a condition no team meets.
      expect(await decide(budgetManagePermission, lena)).toEqual(
        insightsTeams([]),
      );
      expect(await decide(budgetManagePermission, kenji)).toEqual(
        insightsTeams([]),
      );
    });

    it("lets leads waive their teams' compliance checks, members none", async () => {
      const { decide } = setup();
      expect(await decide(complianceWaivePermission, marco)).toEqual(
        insightsTeams(['group:default/ml-research']),
      );
      expect(await decide(complianceWaivePermission, sofia)).toEqual(
        insightsTeams(['group:default/ml-research']),
      );
      // Members, of the team and of another, and a user of no team: a condition no team meets.
      for (const who of [lena, kenji, user('new.hire', [])]) {
        expect(await decide(complianceWaivePermission, who)).toEqual(
          insightsTeams([]),
        );
      }
      // Decided as budgets are, for everyone.
      for (const who of [lena, marco, sofia, kenji]) {
        expect(await decide(complianceWaivePermission, who)).toEqual(
          await decide(budgetManagePermission, who),
        );
      }
    });

    it('keeps cost-center budgets, which span teams, for the admins', async () => {
      const { decide } = setup();
      for (const who of [lena, marco, sofia, kenji]) {
        expect(await decide(costCenterBudgetManagePermission, who)).toEqual(
          deny,
        );
      }
    });

    it('denies any other permission on a team', async () => {
      const { decide } = setup();
      expect(
        await decide(
          backstage('genai-insights.cost.delete', 'genai-insights-team'),
          marco,
        ),
      ).toEqual(deny);
      expect(await decide(backstage('genai-insights.unknown'), marco)).toEqual(
        deny,
      );
    });
  });

  describe("Backstage's plugins: an explicit list, the rest denied", () => {
    it.each([
      'catalog.entity.read',
      'catalog.entity.refresh',
      'catalog.location.read',
      'catalog.location.create',
      'scaffolder.action.execute',
      'scaffolder.task.create',
      'scaffolder.template.parameter.read',
      'kubernetes.clusters.read',
      'kubernetes.resources.read',
    ])('allows a user %s', async name => {
      const { decide } = setup();
      expect(await decide(backstage(name), kenji)).toEqual(allow);
    });

    it.each([
      'kubernetes.proxy',
      'catalog.location.delete',
      'catalog.ingestion.manage',
      'scaffolder.template.management',
      'scaffolder.template.dry-run',
      'some-plugin.new.permission',
      'genai-playground.unknown',
    ])('denies a user %s', async name => {
      const { decide } = setup();
      expect(await decide(backstage(name), kenji)).toEqual(deny);
    });

    it('lets a team delete the catalog entities it owns, of kinds it may register', async () => {
      const { decide } = setup();
      expect(
        await decide(
          backstage('catalog.entity.delete', 'catalog-entity'),
          lena,
        ),
      ).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          allOf: [
            {
              rule: 'IS_ENTITY_KIND',
              resourceType: 'catalog-entity',
              params: { kinds: ['component', 'api', 'system'] },
            },
            {
              rule: 'IS_ENTITY_OWNER',
              resourceType: 'catalog-entity',
              params: { claims: ['group:default/ml-research'] },
            },
          ],
        },
      });
    });

    it('shows scaffolder tasks to the user who started them', async () => {
      const { decide } = setup();
      expect(
        await decide(
          backstage('scaffolder.task.read', 'scaffolder-task'),
          lena,
        ),
      ).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: ['user:default/lena.fischer'] },
        },
      });
    });

    it("scopes the Kubernetes tab to Resources of the user's teams (and led teams)", async () => {
      const { decide } = setup();
      expect(await decide(kubernetesWorkloadsReadPermission, sofia)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          allOf: [
            {
              rule: 'IS_ENTITY_KIND',
              resourceType: 'catalog-entity',
              params: { kinds: ['resource'] },
            },
            {
              rule: 'IS_ENTITY_OWNER',
              resourceType: 'catalog-entity',
              params: {
                claims: [
                  'group:default/data-office',
                  'group:default/ml-research',
                ],
              },
            },
          ],
        },
      });
    });
  });
});
