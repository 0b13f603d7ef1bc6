import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  createEnvironmentRequestSchema,
  extendEnvironmentRequestSchema,
  listEnvironmentsQuerySchema,
} from '@genai-portal/plugin-genai-playground-common';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { parseInput } from '../lib/validation';
import type { EnvironmentService } from './EnvironmentService';

export interface EnvironmentsRouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  environments: EnvironmentService;
}

/** Runs a write inside an audit event: success with `meta`, or fail with the error. */
async function audited<T>(
  auditor: AuditorService,
  req: Request,
  eventId: string,
  meta: Record<string, string | number | undefined>,
  write: () => Promise<T & { id: string; status: string }>,
): Promise<T> {
  const event = await auditor.createEvent({
    eventId,
    severityLevel: 'medium',
    request: req,
    meta: JSON.parse(JSON.stringify(meta)),
  });
  try {
    const result = await write();
    await event.success({
      meta: { environmentId: result.id, status: result.status },
    });
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
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
      'environment-create',
      {
        team: request.team,
        name: request.name,
        gpuPool: request.gpuPool,
        gpus: request.gpus,
      },
      () => environments.create(request, { credentials }),
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
      'environment-extend',
      { environmentId: req.params.id, ttlHours: request.ttlHours },
      () => environments.extend(req.params.id, request, { credentials }),
    );
    res.json(environment);
  });

  router.delete('/environments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const environment = await audited(
      auditor,
      req,
      'environment-delete',
      { environmentId: req.params.id },
      () => environments.delete(req.params.id, { credentials }),
    );
    res.json(environment);
  });

  return router;
}
