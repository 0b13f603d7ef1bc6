import {
  isImageFromAllowedRegistry,
  submitJobRequestSchema,
  type JobEnvVar,
  type JobSettings,
  type SubmitJobRequest,
} from '@genai-portal/plugin-genai-playground-common';

/** The form's fields, as typed. */
export interface JobsSubmitFormValues {
  environment: string;
  name: string;
  image: string;
  /** One argument per line. */
  command: string;
  /** One argument per line. */
  args: string;
  /** `NAME=value`, or `NAME=secret:<secret>/<key>` for a key of a Secret, one per line. */
  env: string;
  gpus: string;
  pods: string;
  maxRuntimeHours: string;
  retries: string;
}

/** What is wrong with each field. */
export type JobsSubmitFormErrors = Partial<
  Record<keyof JobsSubmitFormValues, string>
>;

const lines = (text: string) =>
  text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);

/** A number as typed, or the text itself when it is not one (so the schema names the field). */
const numberOrText = (text: string) => {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
};

function parseEnv(text: string): { env: JobEnvVar[]; error?: string } {
  const env: JobEnvVar[] = [];
  for (const line of lines(text)) {
    const eq = line.indexOf('=');
    if (eq < 1) {
      return { env, error: `"${line}" is not NAME=value` };
    }
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const secret = /^secret:([^/\s]+)\/(\S+)$/.exec(value);
    env.push(
      secret
        ? {
            name,
            valueFrom: { secretKeyRef: { name: secret[1], key: secret[2] } },
          }
        : { name, value },
    );
  }
  return { env };
}

/**
 * The request the form's values make, checked as the template and the backend check it: the
 * request schema (GPUs 1 to 8, a list of strings as command, secrets only by reference) and the
 * configured bounds (registries, runtime, pods, retries). Returns the problems by field.
 */
export function toSubmitRequest(
  values: JobsSubmitFormValues,
  settings: JobSettings | undefined,
): { request?: SubmitJobRequest; errors: JobsSubmitFormErrors } {
  const errors: JobsSubmitFormErrors = {};
  const { env, error: envError } = parseEnv(values.env);
  if (envError) errors.env = envError;
  const command = lines(values.command);
  const args = lines(values.args);
  const candidate = {
    environment: values.environment,
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
    image: values.image.trim(),
    ...(command.length ? { command } : {}),
    ...(args.length ? { args } : {}),
    ...(env.length ? { env } : {}),
    gpus: numberOrText(values.gpus),
    pods: numberOrText(values.pods),
    maxRuntimeHours: numberOrText(values.maxRuntimeHours),
    retries: numberOrText(values.retries),
  };
  const parsed = submitJobRequestSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof JobsSubmitFormValues;
      const where = issue.path.length > 1 ? `${issue.path.join('.')}: ` : '';
      errors[field] ??= `${where}${issue.message}`;
    }
  }
  if (!values.environment) errors.environment = 'Pick an environment';
  if (settings) {
    if (
      candidate.image &&
      !errors.image &&
      !isImageFromAllowedRegistry(candidate.image, settings.allowedRegistries)
    ) {
      errors.image = `Not from an allowed registry: ${settings.allowedRegistries.join(
        ', ',
      )}`;
    }
    const runtime = candidate.maxRuntimeHours;
    if (typeof runtime === 'number' && runtime > settings.maxRuntimeHours) {
      errors.maxRuntimeHours = `At most ${settings.maxRuntimeHours} hours`;
    }
    if (
      typeof candidate.pods === 'number' &&
      candidate.pods > settings.maxPods
    ) {
      errors.pods = `At most ${settings.maxPods} pods`;
    }
    if (
      typeof candidate.retries === 'number' &&
      candidate.retries > settings.maxRetries
    ) {
      errors.retries = `At most ${settings.maxRetries}`;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) {
    return { errors };
  }
  return { request: candidate as SubmitJobRequest, errors };
}
