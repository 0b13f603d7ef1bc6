import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  cancelJobRequestSchema,
  jobLogsQuerySchema,
  listJobsQuerySchema,
  submitJobRequestSchema,
  type Job,
  type JobStatus,
} from '@genai-portal/plugin-genai-playground-common';
import Router from 'express-promise-router';
import { audited } from '../lib/audit';
import { parseInput } from '../lib/validation';
import type { JobService } from './JobService';

const jobMeta = (job: Job) => ({ jobId: job.id, status: job.status });

export interface JobsRouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  jobs: JobService;
}

/**
 * /jobs: parse, authenticate, call the service; submit and cancel are audited. Routes and
 * answers are described by the plugin's OpenAPI document (src/schema/openapi.yaml).
 */
export function createJobsRouter(options: JobsRouterOptions) {
  const { httpAuth, auditor, jobs } = options;
  const router = Router();

  router.post('/jobs', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const header = req.header('Idempotency-Key');
    const request = parseInput(submitJobRequestSchema, {
      ...(req.body ?? {}),
      ...(header !== undefined ? { idempotencyKey: header } : {}),
    });
    if (
      header !== undefined &&
      req.body?.idempotencyKey !== undefined &&
      req.body.idempotencyKey !== header
    ) {
      throw new InputError(
        'Invalid request: idempotencyKey: the Idempotency-Key header and the idempotencyKey field differ',
      );
    }
    let created = false;
    const job = await audited(
      auditor,
      req,
      {
        eventId: 'job-submit',
        meta: {
          environmentId: request.environment,
          image: request.image,
          gpus: request.gpus,
          pods: request.pods,
          gpuPool: request.gpuPool,
          idempotencyKey: request.idempotencyKey,
        },
      },
      async () => {
        const result = await jobs.submit(request, { credentials });
        created = result.created;
        return result.job;
      },
      jobMeta,
    );
    res.status(created ? 201 : 200).json(job);
  });

  router.get('/jobs', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(listJobsQuerySchema, req.query, 'query');
    const items = await jobs.list(
      {
        environment: query.environment,
        team: query.team,
        owner: query.owner,
        statuses: query.status?.split(',') as JobStatus[] | undefined,
        limit: query.limit,
      },
      { credentials },
    );
    res.json({ items });
  });

  router.get('/jobs/:jobId', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await jobs.get(req.params.jobId, { credentials }));
  });

  router.get('/jobs/:jobId/logs', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(jobLogsQuerySchema, req.query, 'query');
    const target = {
      pod: query.pod,
      container: query.container,
      tailLines: query.tailLines,
    };
    if (query.follow !== 'true') {
      const { pod, text } = await jobs.logs(req.params.jobId, target, {
        credentials,
      });
      res.setHeader('X-Job-Pod', pod);
      res.type('text/plain').send(text);
      return;
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const { pod, stream } = await jobs.followLogs(
      req.params.jobId,
      target,
      abort.signal,
      { credentials },
    );
    const sse = (req.header('Accept') ?? '').includes('text/event-stream');
    res.status(200);
    res.setHeader('X-Job-Pod', pod);
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader(
      'Content-Type',
      sse ? 'text/event-stream; charset=utf-8' : 'text/plain; charset=utf-8',
    );
    res.flushHeaders();
    await new Promise<void>(resolve => {
      stream.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        if (!sse) {
          res.write(text);
          return;
        }
        for (const line of text.replace(/\n$/, '').split('\n')) {
          res.write(`data: ${line}\n`);
        }
        res.write('\n');
      });
      const finish = () => {
        if (sse && !res.writableEnded) res.write('event: end\ndata: \n\n');
        res.end();
        resolve();
      };
      stream.on('end', finish);
      stream.on('error', finish);
      stream.on('close', finish);
    });
  });

  router.post('/jobs/:jobId/cancel', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = parseInput(cancelJobRequestSchema, req.body);
    const job = await audited(
      auditor,
      req,
      {
        eventId: 'job-cancel',
        meta: {
          jobId: req.params.jobId,
          propagationPolicy: request.propagationPolicy,
        },
      },
      () => jobs.cancel(req.params.jobId, request, { credentials }),
      jobMeta,
    );
    res.json(job);
  });

  return router;
}
