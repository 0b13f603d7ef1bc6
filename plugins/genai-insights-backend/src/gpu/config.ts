import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { ConfigProblem } from '../configProblem';

/** How GPU utilization reaches Prometheus (`genaiInsights.prometheus`). */
export interface PrometheusConnection {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  cacheTtlMs: number;
  /** Prefix of the exporter's metric names (`amd_` when the exporter is set to add one). */
  metricPrefix: string;
  /** The label carrying the pod (`exported_pod` when a ServiceMonitor lacks honorLabels). */
  podLabel: string;
  namespaceLabel: string;
  /** The exporter's scrape interval, the step of the idle scan's query. */
  scrapeIntervalSeconds: number;
}

/** GPU utilization's settings (`genaiInsights.gpu`). */
export interface GpuConfig {
  /** The node label naming a node's GPU pool. */
  poolLabel: string;
  idle: {
    thresholdPercent: number;
    windowMs: number;
    inferenceNeedsNoRequests: boolean;
    notify: boolean;
    scanFrequencyMs: number;
  };
}

const ROOT = 'genaiInsights';
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function number(
  config: Config | undefined,
  path: string,
  fallback: number,
  [min, max]: [number, number],
  unit: string,
): number {
  const value = config?.getOptionalNumber(path) ?? fallback;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigProblem(
      `${ROOT}.${path}`,
      `must be ${unit} from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

function duration(
  config: Config | undefined,
  path: string,
  fallbackMs: number,
  [minMs, maxMs]: [number, number],
): number {
  const key = `${ROOT}.${path}`;
  if (!config?.has(path)) return fallbackMs;
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key: path }));
  } catch (e) {
    throw new ConfigProblem(
      key,
      `must be a duration such as { minutes: 30 } or 'PT30M' (${
        (e as Error).message
      })`,
    );
  }
  if (!(ms >= minMs && ms <= maxMs)) {
    throw new ConfigProblem(
      key,
      `must be from ${minMs / 1000} s to ${maxMs / 1000} s, got ${ms / 1000} s`,
    );
  }
  return ms;
}

function label(config: Config | undefined, path: string, fallback: string) {
  const value = config?.getOptionalString(path) ?? fallback;
  if (!LABEL.test(value)) {
    throw new ConfigProblem(
      `${ROOT}.${path}`,
      `must be a Prometheus label name, got '${value}'`,
    );
  }
  return value;
}

/** `genaiInsights.prometheus`; absent: GPU utilization shows allocation only. */
export function readPrometheusConnection(
  config: Config | undefined,
): PrometheusConnection | undefined {
  if (!config?.has('prometheus')) return undefined;
  const baseUrl = config.getString('prometheus.baseUrl');
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    throw new ConfigProblem(
      `${ROOT}.prometheus.baseUrl`,
      `must be an http:// or https:// URL of Prometheus's HTTP API, got '${baseUrl}'`,
    );
  }
  const prefix = config.getOptionalString('prometheus.metricPrefix') ?? '';
  if (prefix && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw new ConfigProblem(
      `${ROOT}.prometheus.metricPrefix`,
      `must be the start of a metric name such as 'amd_', got '${prefix}'`,
    );
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    token: config.getOptionalString('prometheus.token') || undefined,
    timeoutMs:
      number(config, 'prometheus.timeoutSeconds', 10, [1, 120], 'seconds') *
      1000,
    cacheTtlMs:
      number(config, 'prometheus.cacheSeconds', 30, [0, 3600], 'seconds') *
      1000,
    metricPrefix: prefix,
    podLabel: label(config, 'prometheus.podLabel', 'pod'),
    namespaceLabel: label(config, 'prometheus.namespaceLabel', 'namespace'),
    scrapeIntervalSeconds: number(
      config,
      'prometheus.scrapeIntervalSeconds',
      15,
      [1, 600],
      'seconds',
    ),
  };
}

/** `genaiInsights.gpu`: the pool label and the idle rule. */
export function readGpuConfig(config: Config | undefined): GpuConfig {
  const poolLabel = config?.getOptionalString('gpu.poolLabel') ?? 'gpu-type';
  if (
    !/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(
      poolLabel,
    )
  ) {
    throw new ConfigProblem(
      `${ROOT}.gpu.poolLabel`,
      `must be a Kubernetes label name, got '${poolLabel}'`,
    );
  }
  return {
    poolLabel,
    idle: {
      thresholdPercent: number(
        config,
        'gpu.idle.thresholdPercent',
        5,
        [0, 100],
        'a percentage',
      ),
      windowMs: duration(config, 'gpu.idle.window', 30 * 60_000, [
        1000,
        7 * 86_400_000,
      ]),
      inferenceNeedsNoRequests:
        config?.getOptionalBoolean('gpu.idle.inferenceNeedsNoRequests') ?? true,
      notify: config?.getOptionalBoolean('gpu.idle.notify') ?? true,
      scanFrequencyMs: duration(
        config,
        'gpu.idle.scanFrequency',
        60_000,
        [1000, 86_400_000],
      ),
    },
  };
}
