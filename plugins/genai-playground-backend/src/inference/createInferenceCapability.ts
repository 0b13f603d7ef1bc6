import type { LifecycleService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import type { RequestHandler } from 'express';
import type { Capability } from '../lib/Capability';
import {
  InferenceGateway,
  type InferenceGatewayOptions,
} from './InferenceGateway';

/**
 * Inference: the OpenAI-compatible gateway (`/v1`) and its `/metrics` as routes, model server
 * discovery as a task, and the gateway itself (keys, usage and deployment services for the API).
 * It listens to environment changes at once, so keys of a deleted environment stop working.
 */
export async function createInferenceCapability(
  options: InferenceGatewayOptions & {
    events: EventsService;
    lifecycle: LifecycleService;
  },
): Promise<
  Capability & { gateway: InferenceGateway; routes: RequestHandler[] }
> {
  const gateway = await InferenceGateway.create(options);
  await gateway.start(options);
  return {
    gateway,
    // The gateway reads its own bodies: mounted before the plugin's JSON parser.
    routes: [gateway.metricsMiddleware(), gateway.gatewayRouter()],
    tasks: gateway.tasks(),
    authPolicies: [
      // The gateway authenticates its callers itself (API keys or Backstage user tokens).
      { path: '/v1', allow: 'unauthenticated' },
      ...(options.config.metrics.public
        ? [{ path: '/metrics', allow: 'unauthenticated' as const }]
        : []),
    ],
  };
}
