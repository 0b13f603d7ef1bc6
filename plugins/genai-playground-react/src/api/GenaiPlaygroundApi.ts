import { createApiRef } from '@backstage/core-plugin-api';
import type { GenaiPlaygroundApi } from '@genai-portal/plugin-genai-playground-common';

export type {
  GenaiPlaygroundApi,
  ListEnvironmentsQuery,
  EnvironmentWithDetails,
  RequestOptions,
} from '@genai-portal/plugin-genai-playground-common';

/**
 * The frontend's handle on the genai-playground backend (`/api/genai-playground`).
 *
 * @remarks
 *
 * The interface, {@link @genai-portal/plugin-genai-playground-common#GenaiPlaygroundApi}, is the
 * contract shared with the backend: playground environments (create, list, read, extend, delete,
 * history), quota usage per team and GPU pool, and the settings (rate card, lease bounds, team
 * caps) the frontend needs to price and validate a request before it is sent. The default
 * implementation is {@link GenaiPlaygroundClient}; tests pass a fake through `TestApiProvider`.
 *
 * @public
 */
export const genaiPlaygroundApiRef = createApiRef<GenaiPlaygroundApi>({
  id: 'plugin.genai-playground.service',
});
