import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  type NotificationService,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { MEMBERSHIP, ORG_GROUPS } from './harness';

/**
 * The services a `startTestBackend` of the plugin needs around it: permissions that allow, the
 * org file's users and groups (userInfo and catalog), and notifications (`send` to observe them).
 */
export function orgServiceFactories(
  options: { send?: NotificationService['send'] } = {},
) {
  return [
    mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    mockServices.userInfo.mock({
      getUserInfo: async credentials => {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])],
        };
      },
    }).factory,
    catalogServiceMock.factory({ entities: ORG_GROUPS }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({ send: options.send ?? (async () => {}) }),
    }),
  ];
}
