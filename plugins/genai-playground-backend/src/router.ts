import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { PlaygroundSettings } from '@genai-portal/plugin-genai-playground-common';
import express, {
  type ErrorRequestHandler,
  type RequestHandler,
} from 'express';
import Router from 'express-promise-router';
import type { EnvironmentService } from './environments/EnvironmentService';
import { createEnvironmentsRouter } from './environments/router';
import { createInferenceServicesRouter } from './inference/deploy/router';
import type { InferenceGateway } from './inference/InferenceGateway';
import { createApiKeysRouter } from './keys/router';
import { createUsageRouter } from './metering/router';
import type { JobService } from './jobs/JobService';
import { createJobsRouter } from './jobs/router';
import type { QuotaReader } from './quota/QuotaReader';
import { createQuotaRouter } from './quota/router';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  environments: EnvironmentService;
  quota: QuotaReader;
  settings: PlaygroundSettings;
  /** API keys, usage reports, model server deployment; the gateway (/v1) is mounted apart. */
  inference?: Pick<InferenceGateway, 'keys' | 'usage' | 'deployer'>;
  /** Blueprint GPU jobs (/jobs); left out, the routes are not mounted. */
  jobs?: JobService;
}

/** A body that is not JSON is the caller's mistake: a 400 naming it, not a 500. */
const badJson: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error?.type === 'entity.parse.failed') {
    next(
      new InputError(
        `Invalid request: the body is not valid JSON: ${error.message}`,
      ),
    );
    return;
  }
  if (error?.type === 'entity.too.large') {
    next(
      new InputError(
        `Invalid request: the body is larger than ${error.limit} bytes`,
      ),
    );
    return;
  }
  next(error);
};

/**
 * A body that is not JSON would reach the routes as no body at all, and a POST that takes
 * defaults (a cancel) would then go through: refuse it, naming the header.
 */
const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(
      new InputError(
        `Invalid request: content-type: the body must be JSON (application/json), got '${
          req.headers['content-type'] ?? 'none'
        }'`,
      ),
    );
    return;
  }
  next();
};

/** The plugin's HTTP API (see GenaiPlaygroundApi in -common). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, settings } = options;
  const router = Router();
  router.use(express.json({ limit: '100kb' }));
  router.use(badJson);
  router.use(jsonBodiesOnly);

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/settings', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    // The rate card, caps and pools are what quotas are made of: read under quota.read, so a
    // token restricted to other permissions (the scraper's) reads nothing here.
    await options.quota.authorize(credentials);
    res.json(settings);
  });

  router.use(createEnvironmentsRouter(options));
  router.use(createQuotaRouter({ httpAuth, quota: options.quota }));
  if (options.inference) {
    const { auditor } = options;
    const { keys, usage, deployer } = options.inference;
    router.use(createApiKeysRouter({ httpAuth, auditor, keys }));
    router.use(createUsageRouter({ httpAuth, usage }));
    router.use(createInferenceServicesRouter({ httpAuth, auditor, deployer }));
  }
  if (options.jobs) {
    router.use(
      createJobsRouter({
        httpAuth,
        auditor: options.auditor,
        jobs: options.jobs,
      }),
    );
  }
  return router;
}
