import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parseCliArgs, runCli } from './cli';
import { parseConfigFile, resolveModels } from './config';

describe('cli arguments', () => {
  it('reads vLLM-style flags', () => {
    const [options] = parseCliArgs([
      'serve',
      'Qwen/Qwen2.5-7B-Instruct',
      '--model',
      'meta-llama/Llama-3.1-8B-Instruct',
      '--embedding-model',
      'BAAI/bge-m3',
      '--embedding-dim',
      '1024',
      '--port',
      '7080',
      '--ttft-ms',
      '30',
      '--tpot-ms',
      '10',
      '--seed',
      '42',
      '--api-key',
      'k',
      '--fail-first',
      '2',
    ]);
    expect(options).toMatchObject({
      port: 7080,
      ttftMs: 30,
      tpotMs: 10,
      seed: 42,
      apiKey: 'k',
      faults: { failFirst: 2 },
    });
    expect(
      resolveModels(options).map(m => [m.id, m.kind, m.embeddingDim]),
    ).toEqual([
      ['Qwen/Qwen2.5-7B-Instruct', 'chat', 1024],
      ['meta-llama/Llama-3.1-8B-Instruct', 'chat', 1024],
      ['BAAI/bge-m3', 'embedding', 1024],
    ]);
  });

  it('applies --served-model-name to the single model', () => {
    const [options] = parseCliArgs([
      '--model',
      'a/b',
      '--served-model-name',
      'b',
      '--served-model-name',
      'bee',
    ]);
    expect(resolveModels(options)[0].servedNames).toEqual(['b', 'bee']);
    expect(() =>
      parseCliArgs([
        '--model',
        'a',
        '--model',
        'b',
        '--served-model-name',
        'x',
      ]),
    ).toThrow(/exactly one/);
  });

  it('rejects bad input', () => {
    expect(() => parseCliArgs([])).toThrow(/name a model/);
    expect(() => parseCliArgs(['--model', 'a', '--port', 'x'])).toThrow(
      /needs a number/,
    );
    expect(() => parseCliArgs(['--bogus'])).toThrow();
  });

  it('starts the servers it is given and prints what they serve', async () => {
    const lines: string[] = [];
    const io = {
      log: (l: string) => lines.push(l),
      error: (l: string) => lines.push(l),
      exit: jest.fn(),
    };
    const sims = await runCli(['--model', 'a/b', '--port', '0'], io);
    try {
      expect(sims).toHaveLength(1);
      expect(lines[0]).toContain(`llm-sim serving on ${sims[0].url}/v1`);
      expect(lines[0]).toContain('a/b (chat, max_model_len 32768');
      expect((await fetch(`${sims[0].url}/health`)).status).toBe(200);
    } finally {
      await Promise.all(sims.map(s => s.close()));
    }
    await runCli(['--port', 'nope', '--model', 'x'], io);
    expect(io.exit).toHaveBeenCalledWith(2);
  });
});

describe('config file', () => {
  it('the dev config serves two Llama replicas, Qwen and bge-m3 on 7081-7084', () => {
    const servers = parseConfigFile(
      readFileSync(path.resolve(__dirname, '../config/dev.yaml'), 'utf8'),
    );
    const summary = servers.map(s => [
      s.port,
      ...resolveModels(s).map(
        m =>
          `${m.id}:${m.kind}:${
            m.kind === 'embedding' ? m.embeddingDim : m.maxModelLen
          }`,
      ),
    ]);
    expect(summary).toEqual([
      [7081, 'meta-llama/Llama-3.1-8B-Instruct:chat:131072'],
      [7082, 'meta-llama/Llama-3.1-8B-Instruct:chat:131072'],
      [7083, 'Qwen/Qwen2.5-7B-Instruct:chat:32768'],
      [7084, 'BAAI/bge-m3:embedding:1024'],
    ]);
    expect(servers.every(s => s.seed === 42 && s.tpotMs === 10)).toBe(true);
    expect(servers[3].ttftMs).toBe(15);
  });

  it('rejects unknown keys and bad faults', () => {
    expect(() =>
      parseConfigFile('servers:\n  - port: 1\n    modles: [a]\n'),
    ).toThrow(/unknown key 'modles'/);
    expect(() =>
      parseConfigFile(
        'servers:\n  - models: [a]\n    faults: { failRate: 3 }\n',
      ),
    ).toThrow(/failRate/);
    expect(() => parseConfigFile('servers: []\n')).toThrow(/non-empty/);
  });
});
