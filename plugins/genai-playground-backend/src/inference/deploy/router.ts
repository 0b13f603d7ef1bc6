import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { deployInferenceServiceRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import Router from 'express-promise-router';
import { audited } from '../../lib/audit';
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
    const service = await audited(
      auditor,
      req,
      {
        eventId: 'inference-service-deploy',
        meta: {
          environmentId: req.params.id,
          name: request.name,
          model: request.model,
          replicas: request.replicas,
          gpusPerReplica: request.gpusPerReplica,
        },
      },
      () => deployer.deploy(req.params.id, request, { credentials }),
      deployed => ({ objects: deployed.objects.length }),
    );
    res.status(201).json(service);
  });
  return router;
}
