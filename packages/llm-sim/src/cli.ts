/**
 * The llm-sim command. Flags name vLLM's where there is one (--port, --host, --served-model-name,
 * --max-model-len, --max-num-seqs, --api-key, --seed), and `llm-sim serve MODEL` works like
 * `vllm serve MODEL`. `--config FILE` starts several servers, each on its own port.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  LlmSimModelOptions,
  LlmSimOptions,
  parseConfigFile,
  resolveModels,
} from './config';
import { LlmSim, startLlmSim } from './server';

const USAGE = `Usage: llm-sim [serve MODEL] [options]
       llm-sim --config FILE

A local stand-in for vLLM's OpenAI-compatible server (dev and tests only).

Options:
  --port N                 port to listen on (default 8000; 0 picks a free one)
  --host HOST              address to bind (default 127.0.0.1)
  --model ID               a chat model to serve (repeatable)
  --embedding-model ID     an embedding model to serve (repeatable)
  --embedding-dim N        vector length of the embedding models (default 1024)
  --served-model-name NAME name clients use instead of the model id (repeatable; one model only)
  --max-model-len N        context window of every model
  --max-num-seqs N         requests running at once per model; the rest wait (default unlimited)
  --ttft-ms N              time to first token in ms (default 30)
  --tpot-ms N              time per output token in ms (default 10)
  --seed N                 seed for requests without one (default 0)
  --api-key KEY            require "Authorization: Bearer KEY" on /v1 routes
  --fail-rate X            fraction of requests (0..1) answered with an error
  --fail-first N           answer the first N requests with an error
  --fail-status N          status for --fail-rate/--fail-first (default 500)
  --config FILE            start the servers a YAML file describes (see README.md)
  --help                   show this text
`;

/** Turns command-line arguments into the options of each server to start. */
export function parseCliArgs(argv: string[]): LlmSimOptions[] {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      model: { type: 'string', multiple: true },
      'embedding-model': { type: 'string', multiple: true },
      'embedding-dim': { type: 'string' },
      'served-model-name': { type: 'string', multiple: true },
      'max-model-len': { type: 'string' },
      'max-num-seqs': { type: 'string' },
      'ttft-ms': { type: 'string' },
      'tpot-ms': { type: 'string' },
      seed: { type: 'string' },
      'api-key': { type: 'string' },
      'fail-rate': { type: 'string' },
      'fail-first': { type: 'string' },
      'fail-status': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean' },
    },
  });

  if (values.config) {
    if (positionals.length > 0 || values.model || values['embedding-model']) {
      throw new Error(
        '--config describes the models; do not combine it with models on the command line',
      );
    }
    return parseConfigFile(readFileSync(values.config, 'utf8'));
  }

  const chatModels = [...(values.model ?? [])];
  if (positionals[0] === 'serve') positionals.shift();
  if (positionals.length > 1)
    throw new Error(`unexpected arguments: ${positionals.join(' ')}`);
  if (positionals.length === 1) chatModels.unshift(positionals[0]);

  const number = (name: keyof typeof values): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (
      typeof raw !== 'string' ||
      raw.trim() === '' ||
      !Number.isFinite(value)
    ) {
      throw new Error(`--${name} needs a number, got '${raw}'`);
    }
    return value;
  };

  const shared = {
    maxModelLen: number('max-model-len'),
    maxNumSeqs: number('max-num-seqs'),
  };
  const models: LlmSimModelOptions[] = [
    ...chatModels.map(id => ({ id, kind: 'chat' as const, ...shared })),
    ...(values['embedding-model'] ?? []).map(id => ({
      id,
      kind: 'embedding' as const,
      embeddingDim: number('embedding-dim'),
      ...shared,
    })),
  ];
  if (models.length === 0)
    throw new Error(
      'name a model: llm-sim serve MODEL, --model ID or --config FILE',
    );
  if (values['served-model-name']) {
    if (models.length !== 1)
      throw new Error('--served-model-name needs exactly one model');
    models[0].servedModelNames = values['served-model-name'];
  }
  for (const model of models) {
    for (const key of Object.keys(model) as Array<keyof LlmSimModelOptions>) {
      if (model[key] === undefined) delete model[key];
    }
  }

  const failRate = number('fail-rate');
  const failFirst = number('fail-first');
  const failStatus = number('fail-status');
  const options: LlmSimOptions = {
    port: number('port') ?? 8000,
    host: values.host,
    models,
    ttftMs: number('ttft-ms'),
    tpotMs: number('tpot-ms'),
    seed: number('seed'),
    apiKey: values['api-key'],
    faults: { failRate, failFirst, failStatus },
  };
  resolveModels(options);
  return [options];
}

function describe(sim: LlmSim, options: LlmSimOptions): string {
  const models = resolveModels(options)
    .map(model => {
      const names = model.servedNames.join(', ');
      const alias = names === model.id ? '' : ` as ${names}`;
      const size =
        model.kind === 'embedding' ? `, dim ${model.embeddingDim}` : '';
      return `  ${model.id}${alias} (${model.kind}, max_model_len ${model.maxModelLen}${size}, ttft ${model.ttftMs}ms, tpot ${model.tpotMs}ms)`;
    })
    .join('\n');
  const label = options.name ? ` ${options.name}` : '';
  return `llm-sim${label} serving on ${sim.url}/v1${
    options.apiKey ? ' (api key required)' : ''
  }\n${models}`;
}

export interface CliIo {
  log: (line: string) => void;
  error: (line: string) => void;
  exit: (code: number) => void;
}

const processIo: CliIo = {
  // The CLI's output is its interface.
  // eslint-disable-next-line no-console
  log: line => console.log(line),
  // eslint-disable-next-line no-console
  error: line => console.error(line),
  exit: code => process.exit(code),
};

/**
 * Runs the command: starts every server, prints what each serves, and closes them all on SIGINT
 * or SIGTERM. Resolves with the running servers (for tests); failures print and exit 1.
 */
export async function runCli(
  argv: string[],
  io: CliIo = processIo,
): Promise<LlmSim[]> {
  let servers: LlmSimOptions[];
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.log(USAGE);
      return [];
    }
    servers = parseCliArgs(argv);
  } catch (error) {
    io.error(`llm-sim: ${(error as Error).message}\n\n${USAGE}`);
    io.exit(2);
    return [];
  }

  const running: LlmSim[] = [];
  try {
    for (const options of servers) {
      const sim = await startLlmSim(options);
      running.push(sim);
      io.log(describe(sim, options));
    }
  } catch (error) {
    io.error(`llm-sim: ${(error as Error).message}`);
    await Promise.all(running.map(sim => sim.close()));
    io.exit(1);
    return [];
  }
  io.log(
    'sim-only admin routes on each server: GET /_sim/stats, GET|POST|DELETE /_sim/faults, POST /_sim/reset',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    io.log(`llm-sim: ${signal}, closing`);
    Promise.all(running.map(sim => sim.close())).then(() => io.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return running;
}
