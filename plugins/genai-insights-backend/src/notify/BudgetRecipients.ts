import type { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** The group annotation naming a team's leads: comma-separated user names or refs. */
export const LEADS_ANNOTATION = 'genai-playground.io/leads';

/** A leads annotation as user refs; entries that are not user refs are left out. */
export function parseLeads(annotation: string | undefined): string[] {
  const leads: string[] = [];
  for (const entry of (annotation ?? '').split(',')) {
    const value = entry.trim();
    if (!value) continue;
    try {
      const ref = parseEntityRef(value, {
        defaultKind: 'user',
        defaultNamespace: 'default',
      });
      if (ref.kind.toLocaleLowerCase('en-US') === 'user') {
        leads.push(stringifyEntityRef(ref));
      }
    } catch {
      // not an entity ref: skipped
    }
  }
  return [...new Set(leads)];
}

/** Who hears of a team's budgets. */
export interface TeamContacts {
  /**
   * The team's leads (from its group's leads annotation), or the team's group itself when it
   * names none: its members are notified. Throws when the catalog cannot be read.
   */
  contactsOf(teamRef: string): Promise<string[]>;
}

/** Team contacts from the catalog's groups, read with the plugin's own credentials. */
export class CatalogTeamContacts implements TeamContacts {
  constructor(
    private readonly options: {
      catalog: Pick<CatalogService, 'getEntityByRef'>;
      auth: Pick<AuthService, 'getOwnServiceCredentials'>;
    },
  ) {}

  async contactsOf(teamRef: string): Promise<string[]> {
    const group = await this.options.catalog.getEntityByRef(teamRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    const leads = parseLeads(group?.metadata.annotations?.[LEADS_ANNOTATION]);
    return leads.length ? leads : [teamRef];
  }
}
