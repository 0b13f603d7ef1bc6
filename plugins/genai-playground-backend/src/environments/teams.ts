import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
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
 * Teams are Group entities in the catalog; membership comes from the caller's ownership refs (the
 * groups their sign-in resolved), and members of the admin groups act for any team.
 */
export class TeamDirectory {
  constructor(
    private readonly catalog: CatalogService,
    private readonly userInfo: UserInfoService,
    private readonly adminGroups: string[],
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

  /** The caller's user ref and whether they may act for the team. */
  async membership(
    team: TeamRef,
    credentials: BackstageCredentials,
  ): Promise<{ userEntityRef: string; member: boolean; admin: boolean }> {
    const info = await this.userInfo.getUserInfo(credentials);
    const refs = new Set(
      info.ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')),
    );
    const admin = this.adminGroups.some(g =>
      refs.has(g.toLocaleLowerCase('en-US')),
    );
    const member = refs.has(team.ref.toLocaleLowerCase('en-US'));
    return { userEntityRef: info.userEntityRef, member, admin };
  }

  /** Throws NotAllowedError unless the caller is a member of the team or an admin. */
  async assertMayActFor(
    team: TeamRef,
    credentials: BackstageCredentials,
  ): Promise<string> {
    const { userEntityRef, member, admin } = await this.membership(
      team,
      credentials,
    );
    if (!member && !admin) {
      throw new NotAllowedError(
        `team: ${userEntityRef} is not a member of ${team.ref} and may not create environments for it`,
      );
    }
    return userEntityRef;
  }
}
