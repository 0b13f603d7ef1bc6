import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  IdleGpuEpisode,
  Micros,
} from '@genai-portal/plugin-genai-insights-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { TeamContacts } from '../../notify/BudgetRecipients';

/** The notifications' topic. */
export const IDLE_GPUS_TOPIC = 'genai-insights-idle-gpus';

/** The idle rule, as the scanner applies it. */
export interface IdleRuleOptions {
  /** Activity under this (0–100) is idle. Default 5. */
  thresholdPercent: number;
  /** How long a GPU must stay under the threshold. Default 30 minutes. */
  windowMs: number;
  /** Inference servers are idle only when they also served no request in the window. */
  inferenceNeedsNoRequests: boolean;
  /** Tell owners and leads, once per episode. */
  notify: boolean;
}

/** One pod's GPUs newly found idle, to be told to its owner and its team's leads. */
export interface IdleNotice {
  /** The pod's idle GPUs' episodes, longest first, cost up to `now`; all of one pod. */
  episodes: IdleGpuEpisode[];
  /** The card (`MI355X`), from the node; absent when unknown. */
  gpuModel?: string;
  rule: IdleRuleOptions;
  now: Date;
}

/** Tells people of idle GPUs. */
export interface IdleNotifier {
  /** Sends the notice; returns who it went to. Throws when it could not be sent. */
  notify(notice: IdleNotice): Promise<string[]>;
}

const nameOf = (ref: string) => {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
};

/** `45 min`, `2 h 5 min`, `3 d 4 h`. */
export function formatIdleDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** `MI355X` from `AMD Instinct MI355X` (or the pool's name). */
export function shortGpuModel(gpuModel: string | undefined, pool: string) {
  const model = (gpuModel ?? '').replace(/^AMD\s+(Instinct\s+)?/i, '').trim();
  return model || pool.toLocaleUpperCase('en-US');
}

const money = (micros: Micros, currency: string) =>
  `${(micros / 1_000_000).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })} ${currency}`;

/** What holds the GPUs, for a sentence: `model server llama-8b`, `job 42`, `pod ns/name`. */
export function idleHolder(episode: IdleGpuEpisode): string {
  if (episode.kind === 'inference' && episode.model) {
    return `model server ${episode.model}`;
  }
  if (episode.jobId) return `job ${episode.jobId}`;
  return `pod ${episode.namespace}/${episode.pod}`;
}

/**
 * Where to act: the job's page, the inference page for model servers, the environment's
 * catalog page (its Resource is named after its namespace) for other pods of an environment.
 */
export function idleLink(episode: IdleGpuEpisode): string | undefined {
  if (episode.jobId) {
    return `/genai-playground/jobs/${encodeURIComponent(episode.jobId)}`;
  }
  if (episode.kind === 'inference') return '/genai-playground/inference';
  if (episode.environment) {
    return `/catalog/default/resource/${encodeURIComponent(episode.namespace)}`;
  }
  return undefined;
}

/** The notification of a notice. */
export function idlePayload(notice: IdleNotice, currency: string) {
  const { episodes, rule, now } = notice;
  const [first] = episodes;
  const gpus = episodes.length;
  const longest = now.getTime() - Date.parse(first.since);
  const where = first.environment
    ? `${first.team ? `${nameOf(first.team)}/` : ''}${first.environment}`
    : `${first.namespace}`;
  const model = shortGpuModel(notice.gpuModel, first.pool);
  const costMicros = episodes.reduce((sum, e) => sum + e.costMicros, 0);
  const gpuHours = episodes.reduce(
    (sum, e) =>
      sum + Math.max(0, now.getTime() - Date.parse(e.since)) / 3_600_000,
    0,
  );
  const windowMinutes = Math.round(rule.windowMs / 60_000);
  const requests =
    first.kind === 'inference' && rule.inferenceNeedsNoRequests
      ? ' and it served no request in that time'
      : '';
  const holder = idleHolder(first);
  return {
    title: `${gpus} ${model} GPU${
      gpus === 1 ? '' : 's'
    } idle for ${formatIdleDuration(longest)} in ${where} (${holder})`,
    description:
      `The ${holder} (pod ${first.namespace}/${first.pod}) holds ${gpus} GPU${
        gpus === 1 ? '' : 's'
      } whose graphics activity has stayed under ${
        rule.thresholdPercent
      }% since ${first.since.slice(0, 16).replace('T', ' ')} UTC${requests}. ` +
      `Cost so far: ${money(costMicros, currency)} (${gpuHours.toFixed(
        1,
      )} GPU-hours). ` +
      `A held GPU is idle when its activity stays under ${rule.thresholdPercent}% for ${windowMinutes} min; release the GPUs if they are not needed. ` +
      `You are told once while they stay idle.`,
    link: idleLink(first),
    severity: 'normal' as const,
    topic: IDLE_GPUS_TOPIC,
    scope: `${IDLE_GPUS_TOPIC}:${first.namespace}/${first.pod}:${first.since}`,
  };
}

export interface NotificationIdleNotifierOptions {
  notifications: Pick<NotificationService, 'send'>;
  /** A team's leads (or its group when it names none). */
  teams: TeamContacts;
  currency: string;
  logger: LoggerService;
}

/** Idle GPUs told through Backstage's notifications: the pod's owner and its team's leads. */
export class NotificationIdleNotifier implements IdleNotifier {
  constructor(private readonly options: NotificationIdleNotifierOptions) {}

  async notify(notice: IdleNotice): Promise<string[]> {
    const [first] = notice.episodes;
    if (!first) return [];
    const recipients = new Set<string>();
    if (first.owner) recipients.add(first.owner);
    if (first.team) {
      for (const ref of await this.options.teams.contactsOf(first.team)) {
        recipients.add(ref);
      }
    }
    if (recipients.size === 0) {
      this.options.logger.warn(
        `${notice.episodes.length} GPUs of pod ${first.namespace}/${first.pod} are idle; no owner or team to notify`,
      );
      return [];
    }
    const entityRef = [...recipients];
    await this.options.notifications.send({
      recipients: { type: 'entity', entityRef },
      payload: idlePayload(notice, this.options.currency),
    });
    return entityRef;
  }
}
