/**
 * GET /v1/models in vLLM's shape: one card per served name, `root` the model path, `parent` null
 * (vLLM sets it only for LoRA adapters), and the permission block vLLM still fills in.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SimContext, sendJson } from './context';

export function handleModels(sim: SimContext, res: ServerResponse) {
  const data = sim.models.flatMap(model =>
    model.servedNames.map(name => ({
      id: name,
      object: 'model',
      created: sim.startedAt,
      owned_by: 'vllm',
      root: model.id,
      parent: null,
      max_model_len: model.maxModelLen,
      permission: [
        {
          id: `modelperm-${randomUUID().replace(/-/g, '')}`,
          object: 'model_permission',
          created: sim.startedAt,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    })),
  );
  sendJson(res, 200, { object: 'list', data });
}
