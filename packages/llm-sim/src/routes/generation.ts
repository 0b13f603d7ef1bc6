/**
 * What chat and completions share: planning the choices, usage, and the two ways of answering
 * (one JSON body after the whole generation, or SSE paced token by token).
 */
import {
  GenerationRun,
  ModelRuntime,
  streamSteps,
  waitForGeneration,
} from '../engine';
import { injectedFailure } from '../errors';
import { ChoiceOutput, generateChoice } from '../generate';
import { SseStream } from '../sse';
import {
  PromptInput,
  SamplingRequest,
  checkContextLength,
  checkSampling,
} from '../validate';
import { RouteContext, sendJson } from './context';

/** vLLM's UsageInfo field order. */
export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
}

export function usage(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
}

export interface Plan {
  choices: ChoiceOutput[];
  promptTokens: number;
  completionTokens: number;
  run: GenerationRun;
}

/**
 * Checks each prompt against the context window, then the sampling parameters (vLLM's order),
 * and generates `n` choices per prompt, indexed prompt-major as vLLM does for batched completions.
 */
export function planGeneration(
  ctx: RouteContext,
  model: ModelRuntime,
  prompts: PromptInput[],
  request: SamplingRequest,
): Plan {
  for (const prompt of prompts)
    checkContextLength(prompt.tokens, request.maxTokens, model.maxModelLen);
  checkSampling(request);
  const seed = request.seed ?? ctx.sim.seed;
  const choices: ChoiceOutput[] = [];
  prompts.forEach((prompt, p) => {
    // Without max_tokens vLLM may generate up to the rest of the context window.
    const limit = Math.min(
      request.maxTokens ?? Infinity,
      model.maxModelLen - prompt.tokens,
    );
    for (let i = 0; i < request.n; i++) {
      const choice = generateChoice(
        { model: model.name, prompt: prompt.text, seed, index: i },
        { limit, minTokens: request.minTokens, ignoreEos: request.ignoreEos },
        {
          stop: request.stop,
          includeStopStrInOutput: request.includeStopStrInOutput,
        },
      );
      choices.push({ ...choice, index: p * request.n + i });
    }
  });
  const promptTokens = prompts.reduce((sum, prompt) => sum + prompt.tokens, 0);
  const completionTokens = choices.reduce(
    (sum, choice) => sum + choice.pieces.length,
    0,
  );
  return {
    choices,
    promptTokens,
    completionTokens,
    run: {
      model,
      lifecycle: ctx.lifecycle,
      plan: ctx.plan,
      promptTokens,
      steps: Math.max(...choices.map(choice => choice.pieces.length)),
      generatedTokens: completionTokens,
      finishReason: choices[0].finishReason,
    },
  };
}

/**
 * Answers once the whole generation is done. The mid-stream faults have a non-streaming form:
 * error-mid-stream becomes a 500, close-mid-stream sends half the body and drops the connection.
 */
export async function respondOnce(
  ctx: RouteContext,
  run: GenerationRun,
  body: () => object,
) {
  if (!(await waitForGeneration(run))) return;
  const { res } = ctx.lifecycle;
  if (ctx.plan.errorAfterChunks !== undefined) {
    const error = injectedFailure(500);
    sendJson(res, error.status, error.toBody());
    return;
  }
  if (ctx.plan.closeAfterChunks !== undefined) {
    const payload = JSON.stringify(body());
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    res.write(payload.slice(0, Math.floor(payload.length / 2)));
    ctx.lifecycle.destroy();
    return;
  }
  sendJson(res, 200, body());
}

/** How one API renders stream chunks. */
export interface StreamFormat {
  /** Chunks for a choice before its first token (chat's role chunk). */
  opening?(choice: ChoiceOutput): object;
  /** The chunk for one token; `generated` counts this choice's tokens so far, this one included. */
  token(
    choice: ChoiceOutput,
    piece: string,
    last: boolean,
    generated: number,
  ): object;
  /** The final usage-only chunk (stream_options.include_usage). */
  usage(usage: Usage): object;
}

/**
 * Streams every choice token by token: one decode step every tpot, each step a chunk per
 * choice. A token whose text was cut by a stop string sends nothing, except the last one, which
 * carries finish_reason.
 */
export async function respondStreaming(
  ctx: RouteContext,
  plan: Plan,
  request: SamplingRequest,
  format: StreamFormat,
) {
  const sse = new SseStream(ctx.lifecycle, ctx.plan);
  sse.open();
  ctx.sim.stats.streamStarted();
  const lastStep = plan.run.steps - 1;
  // Each step's chunks leave in one write; the last step's also carry usage and [DONE].
  await streamSteps(plan.run, step =>
    sse.batch(() => {
      // Like vLLM, the first step sends every choice's opening chunk before any token.
      if (step === 0 && format.opening) {
        for (const choice of plan.choices)
          if (!sse.send(format.opening(choice))) return false;
      }
      for (const choice of plan.choices) {
        if (step >= choice.pieces.length) continue;
        const piece = choice.pieces[step];
        const last = step === choice.pieces.length - 1;
        if (piece === '' && !last) continue;
        if (!sse.send(format.token(choice, piece, last, step + 1)))
          return false;
      }
      if (step === lastStep) {
        if (
          request.includeUsage &&
          !sse.send(
            format.usage(usage(plan.promptTokens, plan.completionTokens)),
          )
        ) {
          return false;
        }
        sse.done();
      }
      return true;
    }),
  );
  ctx.sim.stats.streamEnded(sse.completed);
}
