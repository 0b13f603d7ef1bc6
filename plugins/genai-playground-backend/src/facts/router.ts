import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { factsQuerySchema } from '@genai-portal/plugin-genai-playground-common';
import express, { type RequestHandler } from 'express';
import { parseInput } from '../lib/validation';
import { loadOpenApiSpec } from '../schema/openapiSpec';
import { specErrors } from '../schema/specErrors';
import type { FactsService } from './FactsService';

/** GET reads no body: nothing to parse. */
const noBody: RequestHandler = (_req, _res, next) => next();

/**
 * GET /facts: authenticate, parse, call the service. Mounted ahead of the plugin's main router
 * (as a capability's route), it is validated against the OpenAPI document's /facts operation
 * itself, the same way: a query that breaks it is a 400 naming the parameter.
 */
export function createFactsRouter(options: {
  httpAuth: HttpAuthService;
  facts: FactsService;
}): express.Router {
  const { httpAuth, facts } = options;
  const spec = loadOpenApiSpec();
  const validated = createValidatedOpenApiRouter(
    { ...spec, paths: { '/facts': spec.paths['/facts'] } },
    {
      middleware: [noBody],
      // Identity is Backstage's httpAuth (tokens), checked by the handler.
      validatorOptions: { validateSecurity: false },
    },
  ) as unknown as express.Router;
  validated.use(specErrors(spec));
  validated.get('/facts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(factsQuerySchema, req.query, 'query');
    res.json(await facts.page(query, { credentials }));
  });
  // Only /facts goes through it: every other request passes on untouched.
  const router = express.Router();
  router.get('/facts', validated);
  return router;
}
