import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  ENVIRONMENT_RULES,
  type Environment,
} from '@genai-portal/plugin-genai-playground-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import { DatabaseEnvironmentStore } from './DatabaseEnvironmentStore';
import type { NewEnvironment } from './EnvironmentStore';
import { toEnvironment } from './EnvironmentService';
import { migrateDatabase } from '../lib/migrateDatabase';
import {
  environmentRuleset,
  type EnvironmentQuery,
} from '../permissions/rules';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const T0 = '2025-06-01T10:00:00.000Z';

function newEnv(team: string, owner: string, name: string): NewEnvironment {
  return {
    id: `${team}-${name}`,
    name,
    team: `group:default/${team}`,
    owner: `user:default/${owner}`,
    cluster: 'kube-sim',
    namespace: `${team}-${name}`,
    gpuPool: 'mi300x',
    quota: {
      gpus: 1,
      cpu: 8,
      memoryGi: 64,
      storageGi: 100,
      pods: 50,
      persistentVolumeClaims: 10,
    },
    costCenter: 'CC-2100',
    currency: 'USD',
    dataClassification: 'internal',
    securityLevel: 'medium',
    createdAt: T0,
    expiresAt: '2025-06-04T10:00:00.000Z',
  };
}

const inTeam = (...teams: string[]) => ({
  rule: ENVIRONMENT_RULES.IS_IN_TEAM,
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
  params: { teams },
});
const ownedBy = (...owners: string[]) => ({
  rule: ENVIRONMENT_RULES.IS_OWNER,
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
  params: { owners },
});

/** Conditions of shapes a policy may return; the database must agree with the rules' apply. */
const CASES: [string, PermissionCriteria<any>][] = [
  ['one team', inTeam('ml-research')],
  ['a team by bare name', inTeam('genai-apps')],
  ['no team', inTeam()],
  ['teams or owner', { anyOf: [inTeam('ml-research'), ownedBy('ana')] }],
  ['team and owner', { allOf: [inTeam('ml-research'), ownedBy('ana')] }],
  ['not a team', { not: inTeam('ml-research') }],
  [
    'nested',
    {
      anyOf: [
        { allOf: [inTeam('genai-apps'), { not: ownedBy('bo') }] },
        ownedBy('user:default/cy'),
      ],
    },
  ],
];

describe.each(databases.eachSupportedId())(
  'DatabaseEnvironmentStore list with permission criteria on %p',
  databaseId => {
    it.each(CASES)(
      'returns what the rules allow: %s',
      async (_name, conditions) => {
        const knex = await databases.init(databaseId);
        const database = mockServices.database({ knex });
        await migrateDatabase(database);
        const store = await DatabaseEnvironmentStore.create({ database });
        const envs = [
          newEnv('ml-research', 'ana', 'a'),
          newEnv('ml-research', 'bo', 'b'),
          newEnv('genai-apps', 'bo', 'c'),
          newEnv('genai-apps', 'cy', 'd'),
          newEnv('platform-team', 'cy', 'e'),
          newEnv('platform-team', 'ana', 'f'),
        ];
        for (const env of envs) {
          await store.claimForCreate(env, {
            lockToken: 't',
            lockUntil: T0,
            now: T0,
          });
        }
        const all = (await store.list({ statuses: ['creating'] })).map(
          toEnvironment,
        );
        expect(all).toHaveLength(envs.length);
        const decision: PolicyDecision = {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'genai-playground',
          resourceType: ENVIRONMENT_RESOURCE_TYPE,
          conditions,
        };
        const applies = createConditionAuthorizer(environmentRuleset);
        const expected = all
          .filter(e => applies(decision, e as Environment))
          .map(e => e.id)
          .sort();
        const permitted = createConditionTransformer(environmentRuleset)(
          conditions,
        ) as PermissionCriteria<EnvironmentQuery>;
        const got = (await store.list({ statuses: ['creating'], permitted }))
          .map(e => e.id)
          .sort();
        expect(got).toEqual(expected);
      },
    );
  },
);
