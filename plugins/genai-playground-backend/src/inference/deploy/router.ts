import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { deployInferenceServiceRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import Router from 'express-promise-router';
import { parseInput } from '../../lib/validation';
import type { InferenceDeployer } from './InferenceDeployer';

/** /environments/:id/inference-services: deploy a vLLM model server (audited). */
export function createInferenceServicesRouter(options: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  deployer: InferenceDeployer;
}) {
  const { httpAuth, auditor, deployer } = options;
  const router = Router();
  router.post('/environments/:id/inference-services', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = parseInput(deployInferenceServiceRequestSchema, req.body);
    const event = await auditor.createEvent({
      eventId: 'inference-service-deploy',
      severityLevel: 'medium',
      request: req,
      meta: {
        environmentId: req.params.id,
        name: request.name,
        model: request.model,
        replicas: request.replicas,
        gpusPerReplica: request.gpusPerReplica,
      },
    });
    try {
      const service = await deployer.deploy(req.params.id, request, {
        credentials,
      });
      await event.success({ meta: { objects: service.objects.length } });
      res.status(201).json(service);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });
  return router;
}
