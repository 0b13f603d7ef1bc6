import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { createApiKeyRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { parseInput } from '../lib/validation';
import type { ApiKeyService } from './ApiKeyService';

/** Runs a write inside an audit event (the secret never goes into it). */
async function audited<T extends { id: string }>(
  auditor: AuditorService,
  req: Request,
  eventId: string,
  meta: Record<string, string | number | undefined>,
  write: () => Promise<T>,
): Promise<T> {
  const event = await auditor.createEvent({
    eventId,
    severityLevel: 'medium',
    request: req,
    meta: JSON.parse(JSON.stringify(meta)),
  });
  try {
    const result = await write();
    await event.success({ meta: { keyId: result.id } });
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}

/** /environments/:id/keys: issue, list and revoke API keys of the inference gateway. */
export function createApiKeysRouter(options: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  keys: ApiKeyService;
}) {
  const { httpAuth, auditor, keys } = options;
  const router = Router();

  router.post('/environments/:id/keys', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = parseInput(createApiKeyRequestSchema, req.body);
    const created = await audited(
      auditor,
      req,
      'apikey-create',
      {
        environmentId: req.params.id,
        name: request.name,
        models: request.models?.join(','),
        rpm: request.rpm,
        tpm: request.tpm,
        monthlyBudget: request.monthlyBudget,
      },
      () => keys.create(req.params.id, request, { credentials }),
    );
    res.status(201).json(created);
  });

  router.get('/environments/:id/keys', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json({ items: await keys.list(req.params.id, { credentials }) });
  });

  router.delete('/environments/:id/keys/:keyId', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const revoked = await audited(
      auditor,
      req,
      'apikey-revoke',
      { environmentId: req.params.id, keyId: req.params.keyId },
      () => keys.revoke(req.params.id, req.params.keyId, { credentials }),
    );
    res.json(revoked);
  });

  return router;
}
