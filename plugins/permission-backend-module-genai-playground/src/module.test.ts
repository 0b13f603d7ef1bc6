import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { environmentDeletePermission } from '@genai-portal/plugin-genai-playground-common';
import { permissionModuleGenaiPlayground } from './module';

describe('permissionModuleGenaiPlayground', () => {
  it('sets the genai-playground policy with the configured admin groups', async () => {
    let policy: PermissionPolicy | undefined;
    await startTestBackend({
      extensionPoints: [
        [
          policyExtensionPoint,
          { setPolicy: (p: PermissionPolicy) => (policy = p) },
        ],
      ],
      features: [
        permissionModuleGenaiPlayground,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: { genaiPlayground: { adminGroups: ['group:default/sre'] } },
        }),
      ],
    });

    const decide = (groups: string[]) =>
      policy!.handle(
        { permission: environmentDeletePermission },
        {
          credentials: mockCredentials.user('user:default/a'),
          info: {
            userEntityRef: 'user:default/a',
            ownershipEntityRefs: ['user:default/a', ...groups],
          },
        },
      );
    expect(await decide(['group:default/sre'])).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect((await decide(['group:default/platform-team'])).result).toBe(
      AuthorizeResult.CONDITIONAL,
    );
  });
});
