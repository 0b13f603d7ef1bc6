/**
 * POST /v1/embeddings in vLLM's shape: a `list` of `embedding` objects with deterministic
 * unit-length vectors of the model's dimension. `encoding_format: 'base64'` carries the same
 * float32 values little-endian, which is what the openai client v6 asks for by default and
 * decodes. The response waits ttft (the forward pass); nothing is generated.
 */
import { badRequest } from '../errors';
import { embed } from '../generate';
import { checkEmbeddingLength, parseEmbeddingRequest } from '../validate';
import { RouteContext, answerId, nowSeconds } from './context';
import { respondOnce } from './generation';

export async function handleEmbeddings(ctx: RouteContext) {
  const request = parseEmbeddingRequest(ctx.body);
  const model = ctx.sim.resolveModel(request.model, 'embedding');
  ctx.sim.stats.model(model.name);
  for (const input of request.inputs)
    checkEmbeddingLength(input.tokens, model.maxModelLen);
  if (
    request.dimensions !== undefined &&
    request.dimensions !== model.embeddingDim
  ) {
    // The sim's models are not matryoshka models; vLLM refuses to truncate those.
    throw badRequest(
      `Model "${model.name}" does not support matryoshka representation, changing output dimensions will lead to poor results.`,
    );
  }
  const promptTokens = request.inputs.reduce(
    (sum, input) => sum + input.tokens,
    0,
  );
  const run = {
    model,
    lifecycle: ctx.lifecycle,
    plan: ctx.plan,
    promptTokens,
    steps: 1,
    generatedTokens: 0,
    finishReason: 'stop' as const,
  };
  await respondOnce(ctx, run, () => ({
    id: answerId('embd', ctx.req),
    object: 'list',
    created: nowSeconds(),
    model: model.name,
    data: request.inputs.map((input, index) => {
      const vector = embed(model.name, input.text, model.embeddingDim);
      return {
        index,
        object: 'embedding',
        embedding:
          request.encodingFormat === 'base64'
            ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
            : vector,
      };
    }),
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    },
  }));
}
