import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { usageQuerySchema } from '@genai-portal/plugin-genai-playground-common';
import Router from 'express-promise-router';
import { parseInput } from '../lib/validation';
import type { UsageService } from './UsageService';

/** /usage: metered gateway calls aggregated by team, key, model, environment or day. */
export function createUsageRouter(options: {
  httpAuth: HttpAuthService;
  usage: UsageService;
}) {
  const { httpAuth, usage } = options;
  const router = Router();
  router.get('/usage', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(usageQuerySchema, req.query, 'query');
    res.json(await usage.report(query, { credentials }));
  });
  return router;
}
