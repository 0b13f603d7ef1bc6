import { z } from 'zod';

/** The GPU pools: MI355X nodes serve inference, MI300X nodes run blueprint workloads. @public */
export const GPU_POOLS = ['mi355x', 'mi300x'] as const;
/** @public */
export type GpuPool = (typeof GPU_POOLS)[number];

/** Labels the seed's Gatekeeper policy requires on every namespace. @public */
export const SECURITY_LEVELS = ['low', 'medium', 'high'] as const;
/** @public */
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];
/** @public */
export const DATA_CLASSIFICATIONS = [
  'public',
  'internal',
  'confidential',
  'restricted',
] as const;
/** @public */
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/** A DNS-1123 label, as Kubernetes requires of namespace names. @public */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * What a developer asks for. Hard bounds here are sanity limits that hold everywhere; the
 * configured per-team caps and the lease maximum are checked by the backend.
 * @public
 */
export const createEnvironmentRequestSchema = z.strictObject({
  name: z
    .string()
    .min(2)
    .max(30)
    .regex(
      DNS1123_LABEL,
      'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
    ),
  /** The owning team: a group name (`ml-research`) or ref (`group:default/ml-research`). */
  team: z.string().min(1).max(253),
  gpuPool: z.enum(GPU_POOLS),
  gpus: z.number().int().min(0).max(64),
  /** CPU cores requested (requests.cpu; limits are twice as much). */
  cpu: z.number().min(0.5).max(512),
  memoryGi: z.number().int().min(1).max(4096),
  storageGi: z.number().int().min(0).max(100_000).default(100),
  ttlHours: z.number().int().min(1),
  costCenter: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/, 'must look like CC-1234'),
  /** Monthly budget in the rate card's currency. */
  monthlyBudget: z.number().min(0).max(10_000_000).optional(),
  dataClassification: z.enum(DATA_CLASSIFICATIONS),
  securityLevel: z.enum(SECURITY_LEVELS),
  description: z.string().max(500).optional(),
});
/** @public */
export type CreateEnvironmentRequest = z.input<
  typeof createEnvironmentRequestSchema
>;

/** @public */
export const extendEnvironmentRequestSchema = z.strictObject({
  ttlHours: z.number().int().min(1),
});
/** @public */
export type ExtendEnvironmentRequest = z.infer<
  typeof extendEnvironmentRequestSchema
>;

/** @public */
export const listEnvironmentsQuerySchema = z.object({
  team: z.string().min(1).max(253).optional(),
  owner: z.string().min(1).max(253).optional(),
  gpuPool: z.enum(GPU_POOLS).optional(),
  includeDeleted: z.enum(['true', 'false']).optional(),
});

/** @public */
export type EnvironmentStatus =
  | 'creating'
  | 'ready'
  | 'failed'
  | 'deleting'
  | 'deleted';

/** A playground environment: a namespace on a cluster with a quota and a lease. @public */
export interface Environment {
  /** The namespace name, unique per cluster: `<team>-<name>`. */
  id: string;
  name: string;
  /** Group entity ref of the owning team. */
  team: string;
  /** User entity ref of whoever created it. */
  owner: string;
  cluster: string;
  namespace: string;
  gpuPool: GpuPool;
  quota: EnvironmentQuotaRequest;
  costCenter: string;
  monthlyBudget?: number;
  currency: string;
  dataClassification: DataClassification;
  securityLevel: SecurityLevel;
  description?: string;
  status: EnvironmentStatus;
  /** Why creation failed, when status is failed. */
  statusMessage?: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  deletedAt?: string;
}

/** The quota an environment was sized with. @public */
export interface EnvironmentQuotaRequest {
  gpus: number;
  cpu: number;
  memoryGi: number;
  storageGi: number;
  pods: number;
  persistentVolumeClaims: number;
}

/** One entry of an environment's history. @public */
export interface EnvironmentEvent {
  environmentId: string;
  action: 'create' | 'extend' | 'delete' | 'expire' | 'notify-expiry' | 'fail';
  actor: string;
  at: string;
  details?: Record<string, unknown>;
}
