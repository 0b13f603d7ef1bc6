import type { LifecycleService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
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
): Promise<Capability & { gateway: InferenceGateway }> {
  const gateway = await InferenceGateway.create(options);
  await gateway.start(options);
  return {
    gateway,
    // The gateway reads its own bodies: mounted before the plugin's JSON parser.
    routes: [gateway.metricsMiddleware(), gateway.gatewayRouter()],
    tasks: gateway.tasks(),
  };
}
