/**
 * The kube-sim command line:
 *   kube-sim --port 7070 --fleet fleets/default.yaml --token <t>
 *            --state .data/kube-sim.json --kubeconfig-out <file>
 */
import fs from 'node:fs';
import path from 'node:path';
import { FleetError } from './fleet';
import { DEFAULT_TOKEN, KubeSim, startKubeSim } from './sim';

const USAGE = `Usage: kube-sim [options]

A local stand-in for an OpenShift cluster with AMD Instinct GPU nodes.

Options:
  --port <n>             port to listen on (default 7070; 0 = any free port)
  --host <addr>          interface to bind (default 127.0.0.1)
  --fleet <file>         fleet file, YAML or JSON (default: the package's fleets/default.yaml;
                         the package's own fleets also by name, e.g. --fleet large)
  --token <t>            bearer token clients must send (default ${DEFAULT_TOKEN})
  --state <file>         keep objects in this JSON file across restarts
  --manifest <file>      create the objects of this YAML file at start when absent
                         (repeatable; applied in order)
  --kubeconfig-out <f>   write the kubeconfig to this file instead of printing it
  --tick-ms <n>          controller loop interval in ms (default 200)
  --time-scale <x>       simulated seconds per real second (default 1)
  --tls                  serve HTTPS with a self-signed certificate (made with openssl);
                         kubectl only sends the token over HTTPS
  --tls-cert <file>      serve HTTPS with this PEM certificate (needs --tls-key)
  --tls-key <file>       PEM private key for --tls-cert
  -h, --help             show this help
`;

export interface CliArgs {
  port: number;
  host: string;
  fleet?: string;
  token: string;
  state?: string;
  manifests: string[];
  kubeconfigOut?: string;
  tickMs?: number;
  timeScale?: number;
  tlsCert?: string;
  tlsKey?: string;
  selfSigned: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    port: 7070,
    host: '127.0.0.1',
    token: DEFAULT_TOKEN,
    selfSigned: false,
    help: false,
    manifests: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = () => {
      const n = Number(value());
      if (!Number.isFinite(n)) throw new Error(`${flag} needs a number`);
      return n;
    };
    switch (flag) {
      case '--port':
        args.port = num();
        break;
      case '--host':
        args.host = value();
        break;
      case '--fleet':
        args.fleet = value();
        break;
      case '--token':
        args.token = value();
        break;
      case '--state':
        args.state = value();
        break;
      case '--manifest':
        args.manifests.push(value());
        break;
      case '--kubeconfig-out':
        args.kubeconfigOut = value();
        break;
      case '--tick-ms':
        args.tickMs = num();
        break;
      case '--time-scale':
        args.timeScale = num();
        break;
      case '--tls':
        args.selfSigned = true;
        break;
      case '--tls-cert':
        args.tlsCert = value();
        break;
      case '--tls-key':
        args.tlsKey = value();
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (!!args.tlsCert !== !!args.tlsKey)
    throw new Error('--tls-cert and --tls-key go together');
  return args;
}

function tlsOption(args: CliArgs) {
  if (args.tlsCert) {
    return {
      cert: fs.readFileSync(args.tlsCert, 'utf8'),
      key: fs.readFileSync(args.tlsKey!, 'utf8'),
    };
  }
  return args.selfSigned ? ('self-signed' as const) : undefined;
}

/** Runs the CLI with `argv` (without the node and script paths). */
export async function main(argv: string[]): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`kube-sim: ${(e as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  let sim: KubeSim;
  try {
    sim = await startKubeSim({
      port: args.port,
      host: args.host,
      fleet: args.fleet,
      token: args.token,
      stateFile: args.state,
      manifests: args.manifests,
      tickMs: args.tickMs,
      timeScale: args.timeScale,
      tls: tlsOption(args),
    });
  } catch (e) {
    if (!(e instanceof FleetError)) throw e;
    // A bad fleet file or manifest: the message names the file and the field or document.
    process.stderr.write(`kube-sim: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (args.kubeconfigOut) {
    fs.mkdirSync(path.dirname(path.resolve(args.kubeconfigOut)), {
      recursive: true,
    });
    fs.writeFileSync(args.kubeconfigOut, sim.kubeconfig, { mode: 0o600 });
    process.stdout.write(
      `kube-sim listening on ${sim.url}\nkubeconfig written to ${args.kubeconfigOut}\n`,
    );
  } else {
    process.stdout.write(
      `kube-sim listening on ${sim.url}\n---\n${sim.kubeconfig}`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`kube-sim: ${signal}, shutting down\n`);
    sim.close().then(
      () => process.exit(0),
      e => {
        process.stderr.write(`kube-sim: ${e}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
