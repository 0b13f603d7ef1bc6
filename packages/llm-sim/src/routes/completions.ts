/**
 * POST /v1/completions (the legacy text API) in vLLM's shapes: `text_completion` objects, for
 * one prompt or a batch (choices indexed prompt-major). vLLM serializes completion stream chunks
 * with every field, so `usage: null` is on every chunk here whatever stream_options say.
 */
import { parseCompletionRequest } from '../validate';
import { RouteContext, answerId, nowSeconds } from './context';
import {
  planGeneration,
  respondOnce,
  respondStreaming,
  usage,
} from './generation';

export async function handleCompletions(ctx: RouteContext) {
  const request = parseCompletionRequest(ctx.body);
  const model = ctx.sim.resolveModel(request.model, 'chat');
  ctx.sim.stats.model(model.name);
  const plan = planGeneration(ctx, model, request.prompts, request);

  const id = answerId('cmpl', ctx.req);
  const created = nowSeconds();

  if (!request.stream) {
    await respondOnce(ctx, plan.run, () => ({
      id,
      object: 'text_completion',
      created,
      model: model.name,
      choices: plan.choices.map(choice => ({
        index: choice.index,
        text: choice.text,
        logprobs: null,
        finish_reason: choice.finishReason,
        stop_reason: choice.stopReason,
        prompt_logprobs: null,
      })),
      service_tier: null,
      system_fingerprint: null,
      usage: {
        ...usage(plan.promptTokens, plan.completionTokens),
        prompt_tokens_details: null,
      },
      kv_transfer_params: null,
    }));
    return;
  }

  await respondStreaming(ctx, plan, request, {
    token: (choice, piece, last, generated) => ({
      id,
      object: 'text_completion',
      created,
      model: model.name,
      choices: [
        {
          index: choice.index,
          text: piece,
          logprobs: null,
          finish_reason: last ? choice.finishReason : null,
          stop_reason: last ? choice.stopReason : null,
        },
      ],
      usage: request.continuousUsageStats
        ? usage(plan.promptTokens, generated)
        : null,
    }),
    usage: totals => ({
      id,
      object: 'text_completion',
      created,
      model: model.name,
      choices: [],
      usage: totals,
    }),
  });
}
