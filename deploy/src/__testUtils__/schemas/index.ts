import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Manifest } from '../render';
import { closed } from './closed';
import { loadDeclarations, unknownModelFields } from './modelFields';
import { findModel } from './models';
import { packageDir } from './packages';
import { fieldPath } from './paths';
import {
  CONSTRAINTS_API,
  constraintSchema,
  readSchema,
  schemaFile,
  schemasDir,
} from './vendored';

/*
 * Validates a manifest against the schema of its apiVersion/kind: a published model
 * (kubernetes-models, @kubernetes-models/*), else a schema vendored under deploy/schemas, else a
 * Gatekeeper constraint's schema from its ConstraintTemplate. A kind with none of them fails, so
 * every new kind has to come with a schema.
 */

export type Verdict = {
  /** What validated the kind; undefined when nothing could. */
  source?: string;
  errors: string[];
};

type Check = { source: string; check: (m: Manifest) => string[] };

/** ajv's error as `spec.replicas must be integer`, naming the unknown or missing field itself. */
function describe(error: ErrorObject): string {
  const at = fieldPath(error.instancePath);
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if (error.keyword === 'additionalProperties')
    return `${field(
      error.params.additionalProperty,
    )} is not a field of the schema`;
  if (error.keyword === 'required')
    return `${field(error.params.missingProperty)} is required`;
  return `${at || '(root)'} ${error.message}`;
}

/**
 * CRDs leave `metadata` a bare object and the operators' models do not close it either, but the
 * API server reads it as ObjectMeta and drops what ObjectMeta does not have (a misspelled `lables`).
 */
const objectMetaDeclarations = () =>
  path.join(
    packageDir('@kubernetes-models/apimachinery'),
    'apis/meta/v1/ObjectMeta.d.ts',
  );
const metadataUnknownFields = (m: Manifest) =>
  unknownModelFields(
    objectMetaDeclarations(),
    'ObjectMeta',
    m.metadata,
    'metadata',
  ) ?? [];

export class ManifestValidator {
  // Defaults are applied before `required` is checked, as the API server defaults before it
  // validates (a Route's `to.kind` is required but defaults to Service).
  private readonly ajv = new Ajv({
    strict: false,
    allErrors: true,
    useDefaults: true,
    logger: false,
  });
  private readonly checks = new Map<string, Check | undefined>();
  /** Parameters' schema of each constraint kind, from the ConstraintTemplates. */
  private readonly constraintParameters = new Map<string, any>();

  /**
   * `context`: every manifest of the platform, where the ConstraintTemplates are found and whose
   * kinds' model declarations are read in one go.
   */
  constructor(context: Manifest[] = []) {
    const kinds = new Set(context.map(m => `${m.apiVersion} ${m.kind}`));
    loadDeclarations([
      objectMetaDeclarations(),
      ...[...kinds].flatMap(k => {
        const [apiVersion, kind] = k.split(' ');
        return findModel(apiVersion, kind)?.declarationFile ?? [];
      }),
    ]);
    for (const m of context)
      if (m.kind === 'ConstraintTemplate' && m.spec?.crd?.spec?.names?.kind)
        this.constraintParameters.set(
          m.spec.crd.spec.names.kind,
          m.spec.crd.spec.validation?.openAPIV3Schema,
        );
  }

  /** What validates apiVersion/kind, undefined if nothing does. */
  sourceOf(apiVersion: string, kind: string): string | undefined {
    return this.checkOf(apiVersion, kind)?.source;
  }

  validate(manifest: Manifest): Verdict {
    if (
      typeof manifest?.apiVersion !== 'string' ||
      typeof manifest.kind !== 'string'
    )
      return { errors: ['apiVersion and kind are required'] };
    const found = this.checkOf(manifest.apiVersion, manifest.kind);
    if (!found)
      return {
        errors: [
          `no model and no schema in deploy/schemas for ${manifest.apiVersion} ${manifest.kind}`,
        ],
      };
    return { source: found.source, errors: found.check(manifest) };
  }

  private checkOf(apiVersion: string, kind: string): Check | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!this.checks.has(key))
      this.checks.set(key, this.makeCheck(apiVersion, kind));
    return this.checks.get(key);
  }

  private makeCheck(apiVersion: string, kind: string): Check | undefined {
    const model = findModel(apiVersion, kind);
    if (model)
      return {
        source: model.source,
        check: m => {
          const errors: string[] = [];
          try {
            new model.Model(m).validate();
          } catch (e: any) {
            errors.push(...(e.errors?.map(describe) ?? [String(e.message)]));
          }
          return [
            ...errors,
            ...(unknownModelFields(model.declarationFile, kind, m) ?? []),
          ];
        },
      };
    const file = schemaFile(apiVersion, kind);
    if (fs.existsSync(file))
      return this.schemaCheck(
        path.relative(path.dirname(schemasDir), file),
        readSchema(file),
      );
    if (apiVersion === CONSTRAINTS_API && this.constraintParameters.has(kind))
      return this.schemaCheck(
        `${path.relative(
          path.dirname(schemasDir),
          schemaFile(CONSTRAINTS_API, 'constraint'),
        )} + ConstraintTemplate parameters`,
        constraintSchema(this.constraintParameters.get(kind)),
      );
    return undefined;
  }

  private schemaCheck(source: string, schema: any): Check {
    const validate: ValidateFunction = this.ajv.compile(closed(schema));
    return {
      source,
      check: m => {
        // A copy, as defaulting must not change the caller's manifest. ajv may check allOf/anyOf
        // before it fills the defaults they depend on (a Route's wildcardPolicy), so the first
        // pass only defaults and the second validates the defaulted object.
        const defaulted = structuredClone(m);
        validate(defaulted);
        const errors = validate(defaulted)
          ? []
          : (validate.errors ?? []).map(describe);
        return [...errors, ...metadataUnknownFields(m)];
      },
    };
  }
}
