import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  createEnvironmentRequestSchema,
  extendEnvironmentRequestSchema,
  listEnvironmentsQuerySchema,
  type Environment,
} from '@genai-portal/plugin-genai-playground-common';
import Router from 'express-promise-router';
import { audited } from '../lib/audit';
import { parseInput } from '../lib/validation';
import type { EnvironmentService } from './EnvironmentService';

const environmentMeta = (environment: Environment) => ({
  environmentId: environment.id,
  status: environment.status,
});

export interface EnvironmentsRouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  environments: EnvironmentService;
}

/** /environments: parse, authenticate, call the service; writes are audited. */
export function createEnvironmentsRouter(options: EnvironmentsRouterOptions) {
  const { httpAuth, auditor, environments } = options;
  const router = Router();

  router.post('/environments', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = parseInput(createEnvironmentRequestSchema, req.body);
    const environment = await audited(
      auditor,
      req,
      {
        eventId: 'environment-create',
        meta: {
          team: request.team,
          name: request.name,
          gpuPool: request.gpuPool,
          gpus: request.gpus,
        },
      },
      () => environments.create(request, { credentials }),
      environmentMeta,
    );
    res.status(201).json(environment);
  });

  router.get('/environments', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(listEnvironmentsQuerySchema, req.query, 'query');
    const items = await environments.list(
      { ...query, includeDeleted: query.includeDeleted === 'true' },
      { credentials },
    );
    res.json({ items });
  });

  router.get('/environments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await environments.get(req.params.id, { credentials }));
  });

  router.get('/environments/:id/history', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json({
      items: await environments.history(req.params.id, { credentials }),
    });
  });

  router.post('/environments/:id/extend', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = parseInput(extendEnvironmentRequestSchema, req.body);
    const environment = await audited(
      auditor,
      req,
      {
        eventId: 'environment-extend',
        meta: { environmentId: req.params.id, ttlHours: request.ttlHours },
      },
      () => environments.extend(req.params.id, request, { credentials }),
      environmentMeta,
    );
    res.json(environment);
  });

  router.delete('/environments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const environment = await audited(
      auditor,
      req,
      { eventId: 'environment-delete', meta: { environmentId: req.params.id } },
      () => environments.delete(req.params.id, { credentials }),
      environmentMeta,
    );
    res.json(environment);
  });

  return router;
}
