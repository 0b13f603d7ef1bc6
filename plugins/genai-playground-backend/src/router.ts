import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { PlaygroundSettings } from '@genai-portal/plugin-genai-playground-common';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import express, { type RequestHandler } from 'express';
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
import { loadOpenApiSpec } from './schema/openapiSpec';
import { specErrors } from './schema/specErrors';

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

const parseJson = express.json({ limit: '100kb' });

/** The JSON body parser; a body that does not parse is the caller's mistake: a 400, not a 500. */
const jsonBody: RequestHandler = (req, res, next) =>
  parseJson(req, res, error => next(error && bodyError(error)));

function bodyError(error: { type?: string; message: string; limit?: number }) {
  if (error.type === 'entity.parse.failed') {
    return new InputError(
      `Invalid request: the body is not valid JSON: ${error.message}`,
    );
  }
  if (error.type === 'entity.too.large') {
    return new InputError(
      `Invalid request: the body is larger than ${error.limit} bytes`,
    );
  }
  return error;
}

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

/**
 * The plugin's HTTP API, built from its OpenAPI document (src/schema/openapi.yaml): a request
 * that does not match it is a 400 naming the field before any handler runs. The gateway (/v1)
 * is mounted apart, before this router, and validates itself.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, settings } = options;
  const spec = loadOpenApiSpec();
  // A plain express router: the spec is read from YAML at run time, so there are no route types
  // to derive from it (the handlers parse with the zod schemas of -common).
  const router = createValidatedOpenApiRouter(spec, {
    middleware: [jsonBody, jsonBodiesOnly],
    // Identity is Backstage's httpAuth (tokens and cookies), checked by each handler.
    validatorOptions: { validateSecurity: false },
  }) as unknown as express.Router;
  router.use(specErrors(spec));

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
