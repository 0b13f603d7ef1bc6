import type {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  stringifyError,
} from '@backstage/errors';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  DNS1123_LABEL,
  environmentCreatePermission,
  environmentDeletePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  type Environment,
  type EnvironmentEvent,
  type EnvironmentWithDetails,
  type GpuPool,
  type createEnvironmentRequestSchema,
} from '@genai-portal/plugin-genai-playground-common';
import {
  GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
  type EnvironmentChangeAction,
  type EnvironmentChangeEventPayload,
} from '@genai-portal/plugin-genai-playground-node';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { limitsOf, type PlaygroundConfig } from '../config';
import type { ApiKeyStore } from '../keys/ApiKeyStore';
import { actorOf } from '../lib/actorOf';
import { audited } from '../lib/audit';
import type { PermissionGate } from '../permissions/PermissionGate';
import type { QuotaService } from '../quota/QuotaService';
import type { EnvironmentProvisioner } from './EnvironmentProvisioner';
import {
  LIVE_STATUSES,
  type EnvironmentRecord,
  type EnvironmentStore,
  type NewEnvironment,
} from './EnvironmentStore';
import { DEFAULT_POD_QUOTA, DEFAULT_PVC_QUOTA } from './manifests';
import {
  toGroupRef,
  toUserRef,
  type TeamDirectory,
  type TeamRef,
} from './TeamDirectory';

/** A create request after the schema filled its defaults. */
export type CreateEnvironmentInput = z.output<
  typeof createEnvironmentRequestSchema
>;

/** The actor of what the lease task does. */
export const LEASE_ACTOR = 'genai-playground:lease';

const HOUR_MS = 3_600_000;

/** How often, and how far apart, a create waits for later concurrent creates to yield. */
const RECHECK_ATTEMPTS = 10;
const RECHECK_DELAY_MS = 100;
const CONCURRENT_CREATE =
  '; a concurrent create for the team took the room, so a retry or a smaller request may fit';

export interface EnvironmentServiceOptions {
  store: EnvironmentStore;
  provisioner: EnvironmentProvisioner;
  quota: QuotaService;
  teams: TeamDirectory;
  /** How the service asks the permission policy. */
  gate: PermissionGate;
  events: EventsService;
  notifications: NotificationService;
  auditor: AuditorService;
  config: PlaygroundConfig;
  logger: LoggerService;
  /**
   * The gateway's API keys: an environment's are revoked when it is deleted and, whatever is
   * left, when its id is created again. Optional for setups without the gateway.
   */
  keys?: Pick<ApiKeyStore, 'revokeEnvironment'>;
  clock?: { now(): Date };
}

type Options = { credentials: BackstageCredentials };

/** Whether `a` comes before `b` in the order concurrent creates are settled in. */
function isOrderedBefore(a: EnvironmentRecord, b: EnvironmentRecord): boolean {
  // createdAt is an ISO string of fixed width: it compares in time order as text.
  return (
    a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id)
  );
}

/** The public shape of a record: lease bookkeeping left out. */
export function toEnvironment(record: EnvironmentRecord): Environment {
  const { expiryNotifiedAt: _n, createLockUntil: _l, ...environment } = record;
  return environment;
}

/**
 * Playground environments: a namespace per environment with its quota, limits, network policies
 * and team role binding; leases that end in deletion; history; and the checks that keep a request
 * inside its team's caps and its pool's free GPUs.
 */
export class EnvironmentService {
  readonly #options: EnvironmentServiceOptions;
  readonly #clock: { now(): Date };
  readonly #gate: PermissionGate;

  static create(options: EnvironmentServiceOptions) {
    return new EnvironmentService(options);
  }

  private constructor(options: EnvironmentServiceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#gate = options.gate;
  }

  // ---------------------------------------------------------------- create

  /**
   * Creates an environment, or finishes one a previous attempt left half made. Everything is
   * checked before anything is created; a failure on the cluster removes what was made, records
   * status `failed` with the reason and rethrows.
   */
  async create(
    request: CreateEnvironmentInput,
    { credentials }: Options,
  ): Promise<Environment> {
    const { config, store } = this.#options;

    if (request.ttlHours > config.lease.maxTtlHours) {
      throw new InputError(
        `Invalid request: ttlHours ${request.ttlHours} is above the maximum lease of ${config.lease.maxTtlHours} hours`,
      );
    }
    const team = await this.#options.teams.resolve(request.team, credentials);
    const owner = await this.#options.teams.userOf(credentials);
    // The policy decides who may create for which team, on the environment about to be made.
    if (
      !(await this.#gate.allows(
        environmentCreatePermission,
        { team: team.ref, owner },
        credentials,
      ))
    ) {
      throw new NotAllowedError(
        `team: ${owner} may not create environments for ${team.ref} (${environmentCreatePermission.name}): only its members and admins may`,
      );
    }
    const namespace = `${team.name}-${request.name}`;
    if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
      throw new InputError(
        `Invalid request: name: the namespace '${namespace}' (<team>-<name>) must be a DNS-1123 label of at most 63 characters`,
      );
    }
    await this.#checkNamespaceIsTheTeams(team, request.name, credentials);
    // The common case gets its clear 400 here, before anything is written; the check after the
    // claim below is what holds against concurrent creates.
    const live = await this.#liveOf(team);
    this.#checkTeamCaps(
      team,
      request,
      live.filter(e => e.id !== namespace),
    );
    await this.#checkPoolCapacity(request.gpuPool, request.gpus);

    const now = this.#clock.now();
    const env: NewEnvironment = {
      id: namespace,
      name: request.name,
      team: team.ref,
      owner,
      cluster: config.cluster.name,
      namespace,
      gpuPool: request.gpuPool,
      quota: {
        gpus: request.gpus,
        cpu: request.cpu,
        memoryGi: request.memoryGi,
        storageGi: request.storageGi,
        pods: DEFAULT_POD_QUOTA,
        persistentVolumeClaims: request.storageGi > 0 ? DEFAULT_PVC_QUOTA : 0,
      },
      costCenter: request.costCenter,
      currency: config.rateCard.currency,
      dataClassification: request.dataClassification,
      securityLevel: request.securityLevel,
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() + request.ttlHours * HOUR_MS,
      ).toISOString(),
    };
    if (request.monthlyBudget !== undefined)
      env.monthlyBudget = request.monthlyBudget;
    if (request.description !== undefined)
      env.description = request.description;

    const lockToken = randomUUID();
    const claim = await store.claimForCreate(env, {
      lockToken,
      lockUntil: this.#lockUntil(),
      now: now.toISOString(),
    });
    if (!claim.claimed) {
      const existing = claim.environment;
      if (existing.team !== team.ref) {
        // Another team claimed the namespace since the check above.
        throw this.#namespaceTaken(namespace, existing.team);
      }
      if (existing.status === 'creating') {
        throw new ConflictError(
          `environment ${namespace} is being created by another request; try again shortly`,
        );
      }
      throw new ConflictError(
        `environment ${namespace} already exists (status ${existing.status})`,
      );
    }

    // A concurrent create of another environment of the team (here or on another replica) may
    // have passed the check above too: check again now that this claim is visible, and lose
    // by undoing the claim, before anything is made.
    try {
      await this.#recheckTeamCaps(team, request, claim.environment);
      // Keys of an earlier environment of this id (deleted, or failed) never work for this one.
      await this.#revokeKeys(namespace, 'genai-playground:environment-created');
    } catch (error) {
      await store.releaseClaim(namespace, { lockToken });
      throw error;
    }

    try {
      await this.#options.provisioner.provision(claim.environment, {
        beforeStep: async () => {
          const held = await store.renewLock(namespace, {
            lockToken,
            lockUntil: this.#lockUntil(),
          });
          if (!held) {
            throw new ConflictError(
              `environment ${namespace} was taken over by another request`,
            );
          }
        },
      });
    } catch (error) {
      throw await this.#failCreate(
        claim.environment,
        lockToken,
        error as Error,
      );
    }

    const ready = await store.finishCreate(namespace, {
      lockToken,
      status: 'ready',
      now: this.#clock.now().toISOString(),
    });
    if (!ready) {
      throw new ConflictError(
        `environment ${namespace} was taken over by another request`,
      );
    }
    await store.addEvent({
      environmentId: namespace,
      action: 'create',
      actor: owner,
      at: ready.updatedAt,
      details: {
        gpuPool: ready.gpuPool,
        quota: { ...ready.quota },
        expiresAt: ready.expiresAt,
      },
    });
    await this.#options.quota.forgetSummaries();
    await this.#publish('create', ready);
    return toEnvironment(ready);
  }

  async #failCreate(
    env: EnvironmentRecord,
    lockToken: string,
    error: Error,
  ): Promise<Error> {
    // A create that stalled past its lock may have been taken over by a retry, which now owns
    // the record and objects that look just like ours: only a create still holding its lock
    // removes anything. The renewal keeps it held while the namespace is deleted.
    const held = await this.#options.store.renewLock(env.id, {
      lockToken,
      lockUntil: this.#lockUntil(),
    });
    if (!held) {
      this.#options.logger.warn(
        `Not rolling back environment ${env.id}: another request took its create over (${error.message})`,
      );
      return error;
    }
    let reason = error.message;
    try {
      const removed = await this.#options.provisioner.deprovision(env);
      if (removed)
        this.#options.logger.info(
          `Rolled back environment ${env.id}: namespace deleted`,
        );
    } catch (rollbackError) {
      this.#options.logger.error(
        `Rolling back environment ${env.id} failed; its namespace may be left on ${env.cluster}`,
        rollbackError as Error,
      );
      reason += `; removing what was made failed too: ${
        (rollbackError as Error).message
      }`;
    }
    const now = this.#clock.now().toISOString();
    await this.#options.store.finishCreate(env.id, {
      lockToken,
      status: 'failed',
      statusMessage: reason,
      now,
    });
    await this.#options.store.addEvent({
      environmentId: env.id,
      action: 'fail',
      actor: env.owner,
      at: now,
      details: { reason },
    });
    return error;
  }

  /**
   * The namespace, and with it the environment id, is <team>-<name>: team ml's research-x and
   * team ml-research's x would be one. A namespace stays with the team that first held it (live
   * or in history), and a name may not reach into the namespaces of a team whose name extends
   * this team's (ml may not name an environment research-x while there is a team ml-research).
   */
  async #checkNamespaceIsTheTeams(
    team: TeamRef,
    name: string,
    credentials: BackstageCredentials,
  ) {
    const namespace = `${team.name}-${name}`;
    const held = await this.#options.store.get(namespace);
    if (held && held.team !== team.ref) {
      throw this.#namespaceTaken(namespace, held.team);
    }
    const words = name.split('-');
    for (let i = 1; i < words.length; i++) {
      const prefix = words.slice(0, i).join('-');
      const other = `${team.name}-${prefix}`;
      if (await this.#isTeam(other, credentials)) {
        throw new InputError(
          `Invalid request: name: '${name}' would make the namespace ${namespace}, one of team ${other}'s (${other}-<name>); choose a name that does not start with '${prefix}-'`,
        );
      }
    }
  }

  #namespaceTaken(namespace: string, holder: string) {
    return new InputError(
      `Invalid request: name: the namespace ${namespace} (<team>-<name>) belongs to team ${holder}; choose another name`,
    );
  }

  async #isTeam(name: string, credentials: BackstageCredentials) {
    try {
      await this.#options.teams.resolve(name, credentials);
      return true;
    } catch (error) {
      if (error instanceof InputError) return false; // no such group
      throw error;
    }
  }

  /** Revokes every key issued for the environment id (by any incarnation of it). */
  async #revokeKeys(environmentId: string, by: string) {
    await this.#options.keys?.revokeEnvironment(environmentId, {
      at: this.#clock.now().toISOString(),
      by,
    });
  }

  /** A create lock lasts two worst-case requests: it is renewed before each step. */
  #lockUntil(): string {
    const { requestTimeoutMs, retries, retryBaseDelayMs } =
      this.#options.config.kubernetes;
    const worstRequestMs =
      requestTimeoutMs * (retries + 1) + retryBaseDelayMs * (2 ** retries - 1);
    return new Date(
      this.#clock.now().getTime() + 2 * worstRequestMs + 5_000,
    ).toISOString();
  }

  /**
   * The check after the claim. It passes only when everything else live of the team fits with
   * this request: of two claims the later to check sees the earlier, so two creates that together
   * exceed a cap never both pass. Who yields follows (createdAt, id), an order every replica sees
   * alike: a create that exceeds a cap with those ordered before it loses at once; one that
   * exceeds it only with later ones waits a little for them to see it and yield, and loses if
   * they stay (they may have checked before this claim was visible).
   */
  async #recheckTeamCaps(
    team: { ref: string; name: string },
    request: CreateEnvironmentInput,
    mine: EnvironmentRecord,
  ) {
    for (let attempt = 1; ; attempt++) {
      const others = (await this.#liveOf(team)).filter(e => e.id !== mine.id);
      const ahead = others.filter(e => isOrderedBefore(e, mine));
      this.#checkTeamCaps(team, request, ahead, CONCURRENT_CREATE);
      try {
        this.#checkTeamCaps(team, request, others, CONCURRENT_CREATE);
        return;
      } catch (error) {
        if (attempt === RECHECK_ATTEMPTS) throw error;
      }
      await new Promise(resolve => setTimeout(resolve, RECHECK_DELAY_MS));
    }
  }

  /** The team's environments that hold (or are about to hold) a namespace and its quota. */
  #liveOf(team: { ref: string }): Promise<EnvironmentRecord[]> {
    return this.#options.store.list({
      team: team.ref,
      statuses: LIVE_STATUSES,
    });
  }

  /**
   * Throws an InputError naming the first team cap that the environments `held` plus this
   * request exceed; `why` ends its message.
   */
  #checkTeamCaps(
    team: { name: string },
    request: CreateEnvironmentInput,
    held: EnvironmentRecord[],
    why = '',
  ) {
    const limits = limitsOf(this.#options.config, team.name);
    if (held.length + 1 > limits.environments) {
      throw new InputError(
        `Invalid request: team ${team.name} may hold ${limits.environments} environments; it holds ${held.length}${why}`,
      );
    }
    const units = {
      gpus: 'GPUs',
      cpu: 'CPU cores',
      memoryGi: 'GiB of memory',
      storageGi: 'GiB of storage',
    } as const;
    for (const field of Object.keys(units) as Array<keyof typeof units>) {
      const cap = limits[field];
      const asked = request[field];
      const taken =
        Math.round(held.reduce((s, e) => s + e.quota[field], 0) * 1000) / 1000;
      if (taken + asked > cap) {
        const over = Math.round((taken + asked - cap) * 1000) / 1000;
        throw new InputError(
          `Invalid request: ${field}: team ${team.name} may hold ${cap} ${units[field]}; it holds ${taken} and this asks for ${asked}: ${over} over${why}`,
        );
      }
    }
  }

  async #checkPoolCapacity(pool: GpuPool, gpus: number) {
    if (gpus === 0) return;
    const usage = (
      await this.#options.quota.getPoolUsage({ fresh: true })
    ).find(p => p.pool === pool);
    const free = usage?.free ?? 0;
    if (gpus > free) {
      throw new InputError(
        `Invalid request: gpus: pool ${pool} has ${free} free GPUs (${
          usage?.allocatable ?? 0
        } allocatable, ${
          usage?.requested ?? 0
        } requested by running pods); this asks for ${gpus}`,
      );
    }
  }

  // ---------------------------------------------------------------- read

  async list(
    query: {
      team?: string;
      owner?: string;
      gpuPool?: GpuPool;
      includeDeleted?: boolean;
    },
    { credentials }: Options,
  ): Promise<Environment[]> {
    const team = query.team
      ? toGroupRef(query.team)?.ref ?? query.team
      : undefined;
    // The database applies the policy's conditions: it reads the caller's environments only.
    const permitted = await this.#gate.queryFilter(
      environmentReadPermission,
      credentials,
    );
    const records = await this.#options.store.list({
      team,
      owner: query.owner ? toUserRef(query.owner) : undefined,
      gpuPool: query.gpuPool,
      statuses: query.includeDeleted
        ? ['creating', 'ready', 'failed', 'deleting', 'deleted']
        : undefined,
      permitted,
    });
    return records.map(toEnvironment);
  }

  async get(
    id: string,
    { credentials }: Options,
  ): Promise<EnvironmentWithDetails> {
    const record = await this.#load(id, environmentReadPermission, credentials);
    const environment = toEnvironment(record);
    if (record.status === 'deleted' || record.status === 'failed') {
      return { ...environment, pods: [] };
    }
    try {
      const details = await this.#options.quota.getEnvironmentUsage(
        record.namespace,
      );
      return { ...environment, ...details };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) throw error;
      return { ...environment, pods: [], clusterError: error.message };
    }
  }

  async history(
    id: string,
    { credentials }: Options,
  ): Promise<EnvironmentEvent[]> {
    await this.#load(id, environmentReadPermission, credentials);
    return this.#options.store.listEvents(id);
  }

  // ---------------------------------------------------------------- extend, delete

  /** Moves the lease end to now + ttlHours (at most the maximum lease from now). */
  async extend(
    id: string,
    request: { ttlHours: number },
    { credentials }: Options,
  ): Promise<Environment> {
    const record = await this.#load(
      id,
      environmentUpdatePermission,
      credentials,
    );
    const { maxTtlHours } = this.#options.config.lease;
    if (request.ttlHours > maxTtlHours) {
      throw new InputError(
        `Invalid request: ttlHours ${request.ttlHours} is above the maximum lease of ${maxTtlHours} hours`,
      );
    }
    if (record.status !== 'ready') {
      throw new ConflictError(
        `environment ${id} is ${record.status}; only a ready environment can be extended`,
      );
    }
    const now = this.#clock.now();
    const expiresAt = new Date(
      now.getTime() + request.ttlHours * HOUR_MS,
    ).toISOString();
    // The cluster first: if it is down nothing changes, and the namespace never shows a stale lease.
    await this.#options.provisioner.annotateExpiry(record.namespace, expiresAt);
    const updated = await this.#options.store.extend(id, {
      expiresAt,
      now: now.toISOString(),
    });
    if (!updated) {
      // The lease task claimed it for deletion after the read above.
      throw new ConflictError(
        `environment ${id} is being deleted; only a ready environment can be extended`,
      );
    }
    const actor = actorOf(credentials);
    await this.#options.store.addEvent({
      environmentId: id,
      action: 'extend',
      actor,
      at: now.toISOString(),
      details: {
        from: record.expiresAt,
        to: expiresAt,
        ttlHours: request.ttlHours,
      },
    });
    await this.#publish('extend', updated);
    return toEnvironment(updated);
  }

  /** Deletes the namespace (the cluster removes its contents); the record and history stay. */
  async delete(id: string, { credentials }: Options): Promise<Environment> {
    const record = await this.#load(
      id,
      environmentDeletePermission,
      credentials,
    );
    return this.#remove(record, 'delete', actorOf(credentials));
  }

  async #remove(
    record: EnvironmentRecord,
    action: 'delete' | 'expire',
    actor: string,
  ): Promise<Environment> {
    if (record.status === 'deleted') return toEnvironment(record);
    const now = this.#clock.now().toISOString();
    if (
      record.status === 'creating' &&
      record.createLockUntil &&
      record.createLockUntil > now
    ) {
      throw new ConflictError(
        `environment ${record.id} is being created; delete it once that has finished`,
      );
    }
    const deleted = await this.#options.provisioner.deprovision(record);
    const updated = (await this.#options.store.setStatus(record.id, {
      status: 'deleted',
      now,
      deletedAt: now,
    }))!;
    await this.#options.store.addEvent({
      environmentId: record.id,
      action,
      actor,
      at: now,
      details: { namespaceDeleted: deleted, previousStatus: record.status },
    });
    try {
      // The gateway revokes them too (on the delete event) and refuses keys of an environment
      // that is not ready; a create of the same name revokes whatever is left.
      await this.#revokeKeys(record.id, actor);
    } catch (error) {
      this.#options.logger.warn(
        `Could not revoke the API keys of deleted environment ${
          record.id
        }: ${stringifyError(error)}`,
      );
    }
    await this.#options.quota.forgetSummaries();
    await this.#publish('delete', updated);
    return toEnvironment(updated);
  }

  // ---------------------------------------------------------------- leases

  /**
   * The lease task's work: tells owners once, notifyBeforeHours ahead, that their environment
   * will expire, and deletes environments whose lease has ended.
   */
  async runLeaseCheck(): Promise<{ notified: string[]; expired: string[] }> {
    const { store, config, logger } = this.#options;
    const now = this.#clock.now();
    const expired: string[] = [];
    for (const record of await store.listExpired(now.toISOString())) {
      // The owner may extend between the list and here: delete only what is still expired.
      if (!(await store.claimExpired(record, now.toISOString()))) continue;
      try {
        await audited(
          this.#options.auditor,
          undefined,
          {
            eventId: 'environment-expire',
            meta: { environmentId: record.id, expiresAt: record.expiresAt },
          },
          () => this.#remove(record, 'expire', LEASE_ACTOR),
        );
        expired.push(record.id);
      } catch (error) {
        logger.warn(
          `Could not delete expired environment ${record.id}: ${stringifyError(
            error,
          )}`,
        );
      }
    }
    await this.#reapStaleCreates(now);
    const notified: string[] = [];
    const horizon = new Date(
      now.getTime() + config.lease.notifyBeforeHours * HOUR_MS,
    );
    for (const record of await store.listToNotify(horizon.toISOString())) {
      if (!(await store.markNotified(record.id, now.toISOString()))) continue;
      const hours = Math.max(
        0,
        Math.round(
          (new Date(record.expiresAt).getTime() - now.getTime()) / HOUR_MS,
        ),
      );
      try {
        await this.#options.notifications.send({
          recipients: { type: 'entity', entityRef: record.owner },
          payload: {
            title: `Environment ${record.id} expires in about ${hours} hours`,
            description: `The lease of playground environment ${record.id} (${record.team}) ends at ${record.expiresAt}. Extend it, or it is deleted with everything in it.`,
            link: `/genai-playground/environments/${record.id}`,
            severity: 'normal',
            topic: 'genai-playground-lease',
          },
        });
      } catch (error) {
        logger.warn(
          `Could not notify ${record.owner} about ${
            record.id
          }: ${stringifyError(error)}`,
        );
      }
      await store.addEvent({
        environmentId: record.id,
        action: 'notify-expiry',
        actor: LEASE_ACTOR,
        at: now.toISOString(),
        details: { recipient: record.owner, expiresAt: record.expiresAt },
      });
      notified.push(record.id);
    }
    return { notified, expired };
  }

  /**
   * Creates that stopped half way (the backend crashed or lost the database; their lock lapsed):
   * what they made is removed and the record marked failed, so neither the namespace nor the
   * team's quota stays taken. When the cluster fails, the next run tries again.
   */
  async #reapStaleCreates(now: Date) {
    const { store, logger } = this.#options;
    for (const record of await store.listStaleCreates(now.toISOString())) {
      const lockToken = randomUUID();
      const taken = await store.takeStaleCreate(record, {
        lockToken,
        lockUntil: this.#lockUntil(),
        now: now.toISOString(),
      });
      if (!taken) continue;
      try {
        await this.#options.provisioner.deprovision(record);
      } catch (error) {
        logger.warn(
          `Could not remove what the unfinished create of ${
            record.id
          } made: ${stringifyError(
            error,
          )}; trying again on the next lease check`,
        );
        continue;
      }
      const reason =
        'the create did not finish (the backend stopped half way); what it made was removed';
      const at = this.#clock.now().toISOString();
      const failed = await store.finishCreate(record.id, {
        lockToken,
        status: 'failed',
        statusMessage: reason,
        now: at,
      });
      if (!failed) continue;
      await store.addEvent({
        environmentId: record.id,
        action: 'fail',
        actor: LEASE_ACTOR,
        at,
        details: { reason },
      });
      await this.#options.quota.forgetSummaries();
      logger.info(`Removed the unfinished create of environment ${record.id}`);
    }
  }

  // ---------------------------------------------------------------- helpers

  async #load(
    id: string,
    permission: ResourcePermission<'genai-playground-environment'>,
    credentials: BackstageCredentials,
  ): Promise<EnvironmentRecord> {
    const record = await this.#gate.loadIfAllowed(
      permission,
      id,
      async () => {
        const found = await this.#options.store.get(id);
        return found && { record: found, environment: toEnvironment(found) };
      },
      credentials,
    );
    if (!record) throw new NotFoundError(`no environment ${id}`);
    return record;
  }

  async #publish(action: EnvironmentChangeAction, record: EnvironmentRecord) {
    const payload: EnvironmentChangeEventPayload = {
      action,
      environment: toEnvironment(record),
    };
    try {
      await this.#options.events.publish({
        topic: GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
        eventPayload: payload,
      });
    } catch (error) {
      // The change is done and recorded; the catalog catches up on its next full refresh.
      this.#options.logger.warn(
        `Could not publish ${action} of ${record.id}: ${stringifyError(error)}`,
      );
    }
  }
}
