/**
 * POST /v1/chat/completions in vLLM's shapes.
 *
 * Non-streaming: `chat.completion` with every field vLLM's pydantic model dumps (nulls included).
 * Streaming: `chat.completion.chunk`s serialized the way vLLM does (`exclude_unset`): a role chunk
 * per choice, then one chunk per token, the last carrying finish_reason and stop_reason; with
 * stream_options.include_usage every chunk has `usage` (null, or running totals with
 * continuous_usage_stats) and a final chunk has `choices: []` and the totals.
 */
import { checkRoles, parseChatRequest } from '../validate';
import { countTokens, renderChatTemplate } from '../tokenizer';
import { RouteContext, answerId, nowSeconds } from './context';
import {
  planGeneration,
  respondOnce,
  respondStreaming,
  usage,
} from './generation';

export async function handleChat(ctx: RouteContext) {
  const request = parseChatRequest(ctx.body);
  const model = ctx.sim.resolveModel(request.model, 'chat');
  ctx.sim.stats.model(model.name);
  checkRoles(request.messages);
  const prompt = renderChatTemplate(request.messages);
  const plan = planGeneration(
    ctx,
    model,
    [{ text: prompt, tokens: countTokens(prompt) }],
    request,
  );

  const id = answerId('chatcmpl', ctx.req);
  const created = nowSeconds();

  if (!request.stream) {
    await respondOnce(ctx, plan.run, () => ({
      id,
      object: 'chat.completion',
      created,
      model: model.name,
      choices: plan.choices.map(choice => ({
        index: choice.index,
        message: {
          role: 'assistant',
          content: choice.text,
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          tool_calls: [],
          reasoning_content: null,
        },
        logprobs: null,
        finish_reason: choice.finishReason,
        stop_reason: choice.stopReason,
      })),
      service_tier: null,
      system_fingerprint: null,
      usage: {
        ...usage(plan.promptTokens, plan.completionTokens),
        prompt_tokens_details: null,
      },
      prompt_logprobs: null,
      prompt_token_ids: null,
      kv_transfer_params: null,
    }));
    return;
  }

  const chunk = (choice: object, generated: number) => {
    const body: Record<string, unknown> = {
      id,
      object: 'chat.completion.chunk',
      created,
      model: model.name,
      choices: [choice],
    };
    if (request.includeUsage) {
      body.usage = request.continuousUsageStats
        ? usage(plan.promptTokens, generated)
        : null;
    }
    return body;
  };
  await respondStreaming(ctx, plan, request, {
    opening: choice =>
      chunk(
        {
          index: choice.index,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        },
        0,
      ),
    token: (choice, piece, last, generated) =>
      chunk(
        last
          ? {
              index: choice.index,
              delta: { content: piece },
              logprobs: null,
              finish_reason: choice.finishReason,
              stop_reason: choice.stopReason,
            }
          : {
              index: choice.index,
              delta: { content: piece },
              logprobs: null,
              finish_reason: null,
            },
        generated,
      ),
    usage: totals => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: model.name,
      choices: [],
      usage: totals,
    }),
  });
}
