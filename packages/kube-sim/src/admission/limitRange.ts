/**
 * The LimitRanger admission plugin for pods: fills in default requests and
 * limits of containers from the namespace's LimitRanges (and records what it
 * set in the `kubernetes.io/limit-ranger` annotation), then enforces
 * min/max/maxLimitRequestRatio.
 */
import {
  formatQuantity,
  isQuantity,
  parseQuantity,
  quantityValue,
} from '../quantity';
import { podLimits, podRequests } from '../podResources';
import { KubeObject } from '../types';

/** Mutating phase: applies container defaults in place. */
export function applyLimitRangeDefaults(
  pod: KubeObject,
  limitRanges: KubeObject[],
): void {
  const notes: string[] = [];
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type !== 'Container') continue;
      for (const c of [
        ...(pod.spec?.initContainers ?? []),
        ...(pod.spec?.containers ?? []),
      ]) {
        c.resources ??= {};
        const setRequests: string[] = [];
        const setLimits: string[] = [];
        for (const [res, q] of Object.entries(item.default ?? {})) {
          c.resources.limits ??= {};
          if (c.resources.limits[res] === undefined) {
            c.resources.limits[res] = q;
            setLimits.push(res);
          }
        }
        for (const [res, q] of Object.entries(item.defaultRequest ?? {})) {
          c.resources.requests ??= {};
          if (c.resources.requests[res] === undefined) {
            c.resources.requests[res] = q;
            setRequests.push(res);
          }
        }
        const parts: string[] = [];
        if (setRequests.length)
          parts.push(
            `${setRequests.join(', ')} request for container ${c.name}`,
          );
        if (setLimits.length)
          parts.push(`${setLimits.join(', ')} limit for container ${c.name}`);
        if (parts.length) notes.push(parts.join('; '));
      }
    }
  }
  if (notes.length) {
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join(
        '; ',
      )}`,
    };
  }
}

function fmt(q: unknown): string {
  return isQuantity(q)
    ? formatQuantity(
        parseQuantity(q as string).value,
        parseQuantity(q as string).format,
      )
    : String(q);
}

/** Validating phase: returns the violations (empty when the pod is within limits). */
export function checkLimitRanges(
  pod: KubeObject,
  limitRanges: KubeObject[],
): string[] {
  const errors: string[] = [];
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type === 'Container') {
        for (const c of [
          ...(pod.spec?.initContainers ?? []),
          ...(pod.spec?.containers ?? []),
        ]) {
          const req = c.resources?.requests ?? {};
          const lim = c.resources?.limits ?? {};
          errors.push(...bounds('Container', item, req, lim));
        }
      } else if (item?.type === 'Pod') {
        const req = Object.fromEntries(
          Object.entries(podRequests(pod)).map(([k, v]) => [
            k,
            formatQuantity(v.value, v.format),
          ]),
        );
        const lim = Object.fromEntries(
          Object.entries(podLimits(pod)).map(([k, v]) => [
            k,
            formatQuantity(v.value, v.format),
          ]),
        );
        errors.push(...bounds('Pod', item, req, lim));
      }
    }
  }
  return errors;
}

function bounds(
  scope: string,
  item: any,
  req: Record<string, unknown>,
  lim: Record<string, unknown>,
): string[] {
  const errors: string[] = [];
  for (const [res, min] of Object.entries(item.min ?? {})) {
    if (req[res] === undefined) {
      errors.push(
        `minimum ${res} usage per ${scope} is ${fmt(
          min,
        )}.  No request is specified`,
      );
    } else if (
      quantityValue(req[res] as string) < quantityValue(min as string)
    ) {
      errors.push(
        `minimum ${res} usage per ${scope} is ${fmt(min)}, but request is ${fmt(
          req[res],
        )}`,
      );
    }
  }
  for (const [res, max] of Object.entries(item.max ?? {})) {
    if (lim[res] === undefined) {
      errors.push(
        `maximum ${res} usage per ${scope} is ${fmt(
          max,
        )}.  No limit is specified`,
      );
    } else if (
      quantityValue(lim[res] as string) > quantityValue(max as string)
    ) {
      errors.push(
        `maximum ${res} usage per ${scope} is ${fmt(max)}, but limit is ${fmt(
          lim[res],
        )}`,
      );
    }
  }
  for (const [res, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    if (lim[res] === undefined || req[res] === undefined) continue;
    const actual =
      quantityValue(lim[res] as string) / quantityValue(req[res] as string);
    if (actual > quantityValue(ratio as string)) {
      errors.push(
        `${res} max limit to request ratio per ${scope} is ${fmt(
          ratio,
        )}, but provided ratio is ${actual.toFixed(6)}`,
      );
    }
  }
  return errors;
}
