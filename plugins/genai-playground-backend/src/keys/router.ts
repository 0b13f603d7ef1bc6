import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { createApiKeyRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import Router from 'express-promise-router';
import { audited } from '../lib/audit';
import { parseInput } from '../lib/validation';
import type { ApiKeyService } from './ApiKeyService';

/** What a key's audit event says of it: its id, never its secret. */
const keyMeta = (key: { id: string }) => ({ keyId: key.id });

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
      {
        eventId: 'apikey-create',
        meta: {
          environmentId: req.params.id,
          name: request.name,
          models: request.models?.join(','),
          rpm: request.rpm,
          tpm: request.tpm,
          monthlyBudget: request.monthlyBudget,
        },
      },
      () => keys.create(req.params.id, request, { credentials }),
      keyMeta,
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
      {
        eventId: 'apikey-revoke',
        meta: { environmentId: req.params.id, keyId: req.params.keyId },
      },
      () => keys.revoke(req.params.id, req.params.keyId, { credentials }),
      keyMeta,
    );
    res.json(revoked);
  });

  return router;
}
