import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import { containersOf, failure, found, objectsOf, record } from './util';

/** An image reference taken apart: `quay.io/genai/app:1.2`, `nginx`, `repo/app@sha256:...`. */
export interface ImageReference {
  /** The repository with its registry, as the runtime resolves it (`docker.io/library/nginx`). */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const path = colon > slash ? name.slice(0, colon) : name;
  const parts = path.split('/');
  const first = parts[0];
  const hasRegistry =
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository: string;
  if (hasRegistry) {
    repository = path;
  } else if (parts.length === 1) {
    repository = `docker.io/library/${path}`;
  } else {
    repository = `docker.io/${path}`;
  }
  return { repository, ...(tag !== undefined ? { tag } : {}), digest };
}

function fromAllowedRegistry(repository: string, allowed: string[]): boolean {
  return allowed.some(entry => {
    const prefix = entry.replace(/\/+$/, '');
    return repository === prefix || repository.startsWith(`${prefix}/`);
  });
}

/** Images from the allowed registries, pinned to a tag other than latest (or a digest). */
export const imageRegistryAndTagCheck: ComplianceCheck = {
  id: 'image-registry-and-tag',
  title: 'Images from allowed registries, not latest',
  severity: 'high',
  category: 'images',
  looksAt:
    'the image of every container of every Pod: its registry among the allowed ones (any when none are configured) and a tag other than latest, or a digest',
  remediation:
    'Pull images from an allowed registry (mirror them there) and pin a version tag or a digest instead of latest or no tag.',
  evaluate(objects, context) {
    const allowed = Array.isArray(record(context).allowedRegistries)
      ? context.allowedRegistries.filter(
          (r): r is string => typeof r === 'string' && r.length > 0,
        )
      : [];
    return objectsOf(objects).pods.flatMap(pod =>
      containersOf(pod.spec, 'spec').flatMap(({ container, path }) => {
        const image = container.image;
        const fieldPath = `${path}.image`;
        if (typeof image !== 'string' || image.trim() === '') {
          return [failure(pod, 'Pod', fieldPath, found(image))];
        }
        const failures: CheckFailure[] = [];
        const ref = parseImage(image.trim());
        if (
          allowed.length > 0 &&
          !fromAllowedRegistry(ref.repository, allowed)
        ) {
          failures.push(
            failure(
              pod,
              'Pod',
              fieldPath,
              `is '${image}', not from an allowed registry (${allowed.join(
                ', ',
              )})`,
            ),
          );
        }
        if (!ref.digest) {
          if (ref.tag === undefined || ref.tag === '') {
            failures.push(
              failure(
                pod,
                'Pod',
                fieldPath,
                `is '${image}', without a tag (pulls latest)`,
              ),
            );
          } else if (ref.tag === 'latest') {
            failures.push(
              failure(pod, 'Pod', fieldPath, `is '${image}', tagged latest`),
            );
          }
        }
        return failures;
      }),
    );
  },
};
