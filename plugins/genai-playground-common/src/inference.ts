import { createPermission } from '@backstage/plugin-permission-common';
import { z } from 'zod';
import { DNS1123_LABEL } from './environment';
import { ENVIRONMENT_RESOURCE_TYPE } from './permissions';

// ------------------------------------------------------------------ permissions

/**
 * Call the inference gateway (`/v1/*`) as a signed-in user, e.g. from the playground page. API
 * keys need no permission at call time: whoever holds one may use it within its scope and limits.
 * @public
 */
export const inferenceUsePermission = createPermission({
  name: 'genai-playground.inference.use',
  attributes: { action: 'read' },
});

/** Issue an API key for an environment. @public */
export const apiKeyCreatePermission = createPermission({
  name: 'genai-playground.apikey.create',
  attributes: { action: 'create' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** List an environment's API keys and their usage. @public */
export const apiKeyReadPermission = createPermission({
  name: 'genai-playground.apikey.read',
  attributes: { action: 'read' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Revoke an environment's API key. @public */
export const apiKeyRevokePermission = createPermission({
  name: 'genai-playground.apikey.revoke',
  attributes: { action: 'delete' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Deploy a model server (vLLM) into an environment. @public */
export const inferenceDeployPermission = createPermission({
  name: 'genai-playground.inference.deploy',
  attributes: { action: 'create' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Read metered inference usage. A permission on environments: the backend turns the policy's
 * conditions into the teams whose usage the caller sees (members and leads their teams, admins
 * and services all).
 * @public
 */
export const inferenceUsageReadPermission = createPermission({
  name: 'genai-playground.inference.usage.read',
  attributes: { action: 'read' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** @public */
export const inferencePermissions = [
  inferenceUsePermission,
  apiKeyCreatePermission,
  apiKeyReadPermission,
  apiKeyRevokePermission,
  inferenceDeployPermission,
  inferenceUsageReadPermission,
];

// ------------------------------------------------------------------ wire constants

/** Every API key starts with this, so that secret scanners and the gateway recognise it. @public */
export const API_KEY_PREFIX = 'gpk-';

/** Header a signed-in user sends to meter a call to one of their environments. @public */
export const ENVIRONMENT_HEADER = 'x-genai-environment';

/** Response header: milliseconds the gateway itself added (before plus after the upstream call). @public */
export const OVERHEAD_HEADER = 'x-genai-overhead-ms';

/**
 * Every gateway answer names its call in this header (as OpenAI's do; the openai client shows it
 * as `requestID` on errors); a client may choose the id by sending the header itself.
 * @public
 */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Label of a Service that serves a model through the gateway; the value is the model name. @public */
export const INFERENCE_MODEL_LABEL = 'genai-playground.io/inference-model';

// ------------------------------------------------------------------ models

/** @public */
export type InferenceModelKind = 'chat' | 'embedding';

/**
 * A model entry of `GET /v1/models`: OpenAI's fields, vLLM's `max_model_len`, and the portal's
 * `genai` details (what the playground page needs to price an answer).
 * @public
 */
export interface InferenceModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  max_model_len: number;
  genai: {
    kind: InferenceModelKind;
    gpuPool: string;
    /** Price of one million input (prompt) tokens, in `currency`. */
    pricePer1MInput: number;
    /** Price of one million output (completion) tokens, in `currency`. */
    pricePer1MOutput: number;
    currency: string;
    /** `config`, or `service` for a model server deployed into an environment. */
    source: 'config' | 'service';
    /** For deployed model servers: the environment and team that own it. */
    environmentId?: string;
    team?: string;
  };
}

// ------------------------------------------------------------------ API keys

/** @public */
export const createApiKeyRequestSchema = z.strictObject({
  /** A label for people: what the key is for. */
  name: z.string().trim().min(1).max(100),
  /** Models the key may call; empty or absent: every model. */
  models: z.array(z.string().min(1).max(253)).max(100).optional(),
  /** Requests per minute; default from config. */
  rpm: z.number().int().min(1).max(1_000_000).optional(),
  /** Tokens (input + output) per minute; default from config. */
  tpm: z.number().int().min(1).max(1_000_000_000).optional(),
  /** Spend per calendar month (UTC) in the rate card's currency; absent: no budget. */
  monthlyBudget: z.number().min(0).max(10_000_000).optional(),
});
/** @public */
export type CreateApiKeyRequest = z.input<typeof createApiKeyRequestSchema>;

/** An API key as listed: never the secret itself. @public */
export interface ApiKey {
  id: string;
  /** The first characters of the key (`gpk-AbCd1234`), to recognise it. */
  prefix: string;
  name: string;
  environmentId: string;
  /** Group entity ref of the environment's team, charged for the key's calls. */
  team: string;
  /** Empty: every model. */
  models: string[];
  rpm: number;
  tpm: number;
  monthlyBudget?: number;
  currency: string;
  createdBy: string;
  createdAt: string;
  /** The environment's lease end: the key expires with the environment (an extend moves it). */
  expiresAt: string;
  revokedAt?: string;
  status: 'active' | 'revoked' | 'expired';
}

/** The answer to creating a key: the only time the secret is shown. @public */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

/** Usage of the current calendar month (UTC) as metered so far. @public */
export interface MonthUsage {
  month: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

/** @public */
export interface ApiKeyWithUsage extends ApiKey {
  usage: MonthUsage;
}

// ------------------------------------------------------------------ usage

/** @public */
export const USAGE_GROUP_BY = [
  'team',
  'key',
  'model',
  'day',
  'environment',
] as const;
/** @public */
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];

/** @public */
export const usageQuerySchema = z.object({
  groupBy: z.enum(USAGE_GROUP_BY).default('team'),
  /** ISO time, inclusive; default: the start of the current month (UTC). */
  from: z.iso.datetime({ offset: true }).optional(),
  /** ISO time, exclusive; default: now. */
  to: z.iso.datetime({ offset: true }).optional(),
  /** A group name or ref. */
  team: z.string().min(1).max(253).optional(),
  environment: z.string().min(1).max(253).optional(),
  model: z.string().min(1).max(253).optional(),
});
/** @public */
export type UsageQuery = z.input<typeof usageQuerySchema>;

/** One group of `GET /usage`. @public */
export interface UsageRow {
  /** The team ref, key id, model name, environment id, or day (YYYY-MM-DD). */
  group: string;
  requests: number;
  /** Calls answered with a status of 400 or above. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  avgLatencyMs: number;
}

/** @public */
export interface UsageReport {
  groupBy: UsageGroupBy;
  from: string;
  to: string;
  currency: string;
  items: UsageRow[];
}

// ------------------------------------------------------------------ inference services

/** @public */
export const deployInferenceServiceRequestSchema = z.object({
  /**
   * The model name clients use (`--served-model-name`), also the name of the Deployment,
   * Service, Route and HPA: a DNS-1123 label.
   */
  name: z
    .string()
    .min(2)
    .max(40)
    .regex(
      DNS1123_LABEL,
      'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
    ),
  /** The Hugging Face model id vLLM loads, e.g. `meta-llama/Llama-3.1-8B-Instruct`. */
  model: z
    .string()
    .min(3)
    .max(200)
    .regex(
      /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/,
      'must be a Hugging Face model id: <org>/<model>',
    ),
  replicas: z.number().int().min(1).max(16).default(1),
  /** Upper bound for the HorizontalPodAutoscaler; default: replicas. */
  maxReplicas: z.number().int().min(1).max(32).optional(),
  gpusPerReplica: z.number().int().min(1).max(8).default(1),
  kind: z.enum(['chat', 'embedding']).default('chat'),
  /** Context window (`--max-model-len`); default: the model's own. */
  maxModelLen: z.number().int().min(256).max(1_048_576).optional(),
});
/** @public */
export type DeployInferenceServiceRequest = z.input<
  typeof deployInferenceServiceRequestSchema
>;

/** What a deploy made. @public */
export interface InferenceService {
  /** The model name clients pass as `model` to the gateway. */
  name: string;
  model: string;
  environmentId: string;
  namespace: string;
  replicas: number;
  maxReplicas: number;
  gpusPerReplica: number;
  /** In-cluster URL of the model server (the gateway's upstream). */
  serviceUrl: string;
  /** Host of the OpenShift Route, when the cluster assigned one. */
  routeHost?: string;
  /** Kinds and names of the objects created or updated. */
  objects: { kind: string; name: string }[];
}
