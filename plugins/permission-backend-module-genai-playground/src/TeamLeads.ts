import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** The group annotation naming a team's leads: comma-separated user names or refs. @public */
export const LEADS_ANNOTATION = 'genai-playground.io/leads';

/** Finds the teams a user leads. @public */
export interface TeamLeads {
  /** Group entity refs of the teams whose leads annotation names the user. */
  getTeamsLedBy(userEntityRef: string): Promise<string[]>;
}

/** Parses a leads annotation into user entity refs. @public */
export function parseLeads(annotation: string | undefined): string[] {
  if (!annotation) {
    return [];
  }
  return annotation
    .split(',')
    .map(entry => entry.trim())
    .filter(Boolean)
    .flatMap(entry => {
      try {
        return [
          stringifyEntityRef(
            parseEntityRef(entry, {
              defaultKind: 'user',
              defaultNamespace: 'default',
            }),
          ),
        ];
      } catch {
        return [];
      }
    });
}

/**
 * Team leads from the catalog's group entities, read with the policy's own service credentials
 * and kept for a minute: a policy decision must not cost a catalog query each time.
 * @public
 */
export class CatalogTeamLeads implements TeamLeads {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #index?: { at: number; leads: Promise<Map<string, string[]>> };

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    /** How long the leads index is reused; default one minute. */
    ttlMs?: number;
    now?: () => number;
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async getTeamsLedBy(userEntityRef: string): Promise<string[]> {
    const now = this.#now();
    if (!this.#index || now - this.#index.at >= this.#ttlMs) {
      // Concurrent decisions share one load.
      this.#index = { at: now, leads: this.#load() };
    }
    try {
      return (await this.#index.leads).get(userEntityRef) ?? [];
    } catch (error) {
      // Membership still applies; only the extra reach of leads is lost until the catalog answers.
      this.#index = undefined;
      this.#logger.warn(`Could not read team leads from the catalog: ${error}`);
      return [];
    }
  }

  async #load(): Promise<Map<string, string[]>> {
    const { items } = await this.#catalog.getEntities(
      {
        filter: { kind: 'Group' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          // Not the annotation's own path: the field syntax splits on the dot in its key.
          'metadata.annotations',
        ],
      },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    const teamsByLead = new Map<string, string[]>();
    for (const group of items) {
      const teamRef = stringifyEntityRef(group);
      for (const lead of parseLeads(
        group.metadata.annotations?.[LEADS_ANNOTATION],
      )) {
        teamsByLead.set(lead, [...(teamsByLead.get(lead) ?? []), teamRef]);
      }
    }
    return teamsByLead;
  }
}
