import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';

export interface TeamRef {
  /** group:default/ml-research */
  ref: string;
  /** ml-research */
  name: string;
}

/** A group name or ref as a normalised group ref, or undefined when it is not a group ref. */
export function toGroupRef(team: string): TeamRef | undefined {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(team, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch {
    return undefined;
  }
  if (parsed.kind.toLocaleLowerCase('en-US') !== 'group') return undefined;
  return { ref: stringifyEntityRef(parsed), name: parsed.name };
}

/** A user name or ref as a normalised user ref. */
export function toUserRef(user: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(user, {
        defaultKind: 'user',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return user;
  }
}

/**
 * Teams are Group entities in the catalog. Who may act for a team is the permission policy's to
 * decide (see PermissionGate); this only resolves teams and the caller's user ref.
 */
export class TeamDirectory {
  constructor(
    private readonly catalog: CatalogService,
    private readonly userInfo: UserInfoService,
  ) {}

  /** The team as a Group of the catalog, read with the caller's credentials. */
  async resolve(
    team: string,
    credentials: BackstageCredentials,
  ): Promise<TeamRef> {
    const ref = toGroupRef(team);
    if (!ref) {
      throw new InputError(
        `Invalid request: team: '${team}' is not a group name or group ref`,
      );
    }
    const entity = await this.catalog.getEntityByRef(ref.ref, { credentials });
    if (!entity || entity.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new InputError(
        `Invalid request: team: unknown team '${team}': there is no group ${ref.ref} in the catalog`,
      );
    }
    return ref;
  }

  /** The caller's user entity ref. */
  async userOf(credentials: BackstageCredentials): Promise<string> {
    return (await this.userInfo.getUserInfo(credentials)).userEntityRef;
  }
}
