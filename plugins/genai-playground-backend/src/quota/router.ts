import type { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseInput } from '../lib/validation';
import type { QuotaReader } from './QuotaReader';

// Entity refs are at most 253 characters (a DNS subdomain), like every name of the cluster.
const teamQuerySchema = z.object({
  team: z.string().min(1).max(253).optional(),
});

/** /quota: team and GPU pool usage, read from the live cluster. */
export function createQuotaRouter(options: {
  httpAuth: HttpAuthService;
  quota: QuotaReader;
}) {
  const { httpAuth, quota } = options;
  const router = Router();

  router.get('/quota/teams', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { team } = parseInput(teamQuerySchema, req.query, 'query');
    res.json({ items: await quota.getTeamQuotas({ team }, { credentials }) });
  });

  router.get('/quota/pools', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json({ items: await quota.getPoolUsage({ credentials }) });
  });

  return router;
}
