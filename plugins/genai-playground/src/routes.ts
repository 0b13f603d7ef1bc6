import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/**
 * The environments list, mounted at `/genai-playground/environments`. The refs are created with
 * core-plugin-api so that both the legacy app and the new frontend system can resolve them.
 * @public
 */
export const rootRouteRef = createRouteRef({
  id: 'genai-playground',
});

/** One environment's page: `<root>/:id`, where id is the environment's namespace. @public */
export const environmentRouteRef = createSubRouteRef({
  id: 'genai-playground/environment',
  parent: rootRouteRef,
  path: '/:id',
});
