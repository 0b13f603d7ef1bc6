import type {
  HttpRouterServiceAuthPolicy,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { RequestHandler } from 'express';

/** A task for the plugin's scheduler, as `scheduler.scheduleTask` takes it. */
export type ScheduledTask = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

/**
 * What a capability's factory (`create<Name>Capability`) hands to the plugin's wiring besides its
 * services: routers to mount and tasks to schedule. plugin.ts mounts and schedules them and does
 * nothing else with them; test harnesses call the same factories and leave the tasks unscheduled.
 */
export interface Capability {
  /** Routers that read their own request bodies: mounted ahead of the plugin's JSON API. */
  routes?: RequestHandler[];
  /** Paths that authenticate their callers themselves (or need no identity). */
  authPolicies?: HttpRouterServiceAuthPolicy[];
  tasks?: ScheduledTask[];
}
