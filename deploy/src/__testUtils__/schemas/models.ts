import fs from 'node:fs';
import path from 'node:path';
import { packageDir, requireModule } from './packages';

/*
 * Kinds with a published model: kubernetes-models for the Kubernetes API, @kubernetes-models/* for
 * operators' CRDs. Each package lays its models out as <group>/<version>/<Kind>.js (the core group
 * as v1/<Kind>.js), so apiVersion and kind name the file.
 */

/** Where a kind is looked up, first match wins (cloudnative-pg repeats the Prometheus operator's PodMonitor). */
export const MODEL_PACKAGES = [
  'kubernetes-models',
  '@kubernetes-models/prometheus-operator',
  '@kubernetes-models/argo-cd',
  '@kubernetes-models/cloudnative-pg',
  '@kubernetes-models/istio',
  '@kubernetes-models/autoscaler',
  '@kubernetes-models/keda',
  '@kubernetes-models/grafana-operator',
  '@kubernetes-models/kyverno',
  '@kubernetes-models/cert-manager',
  '@kubernetes-models/opentelemetry-operator',
  '@kubernetes-models/external-secrets',
];

export type Model = new (data: any) => { validate(): void };

export type FoundModel = {
  source: string;
  Model: Model;
  /** The model's TypeScript declarations, which name every field. */
  declarationFile: string;
};

/** The model of apiVersion/kind, with the package it comes from. */
export function findModel(
  apiVersion: string,
  kind: string,
): FoundModel | undefined {
  for (const source of MODEL_PACKAGES) {
    const file = path.join(packageDir(source), apiVersion, `${kind}.js`);
    if (fs.existsSync(file)) {
      const Model = requireModule(file)[kind] as Model | undefined;
      if (Model)
        return {
          source,
          Model,
          declarationFile: file.replace(/\.js$/, '.d.ts'),
        };
    }
  }
  return undefined;
}
