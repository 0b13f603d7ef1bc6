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

/** The blueprint jobs list, mounted at `/genai-playground/jobs`. @public */
export const jobsRouteRef = createRouteRef({
  id: 'genai-playground-jobs',
});

/** One job's page: `<jobs>/:id`. @public */
export const jobRouteRef = createSubRouteRef({
  id: 'genai-playground/job',
  parent: jobsRouteRef,
  path: '/:id',
});

/** The job submit form: `<jobs>/submit`. @public */
export const jobSubmitRouteRef = createSubRouteRef({
  id: 'genai-playground/job-submit',
  parent: jobsRouteRef,
  path: '/submit',
});

/** The inference playground (chat with the gateway's models), mounted at `/genai-playground/inference`. @public */
export const inferenceRouteRef = createRouteRef({
  id: 'genai-playground-inference',
});
