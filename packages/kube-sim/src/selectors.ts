/**
 * Label and field selectors, in both their string form (query parameters)
 * and their structured form (spec.selector, nodeAffinity terms).
 */
import { badRequest } from './status';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h` into requirements. */
export function parseLabelSelector(input: string | undefined): Requirement[] {
  const text = (input ?? '').trim();
  if (!text) return [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map(part => parseRequirement(part.trim(), text));
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const SET_RE = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^)]*)\)$`);
const EQ_RE = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const CMP_RE = new RegExp(String.raw`^(${KEY})\s*(>|<)\s*(-?\d+)$`);
const EXISTS_RE = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

function parseRequirement(part: string, whole: string): Requirement {
  let m = SET_RE.exec(part);
  if (m) {
    const values = m[4]
      .split(',')
      .map(v => v.trim())
      .filter(v => v !== '');
    return { key: m[1], operator: m[3] === 'in' ? 'In' : 'NotIn', values };
  }
  m = EQ_RE.exec(part);
  if (m) {
    return {
      key: m[1],
      operator: m[3] === '!=' ? 'NotIn' : 'In',
      values: [m[4]],
    };
  }
  m = CMP_RE.exec(part);
  if (m)
    return { key: m[1], operator: m[3] === '>' ? 'Gt' : 'Lt', values: [m[4]] };
  m = EXISTS_RE.exec(part);
  if (m)
    return {
      key: m[2],
      operator: m[1] ? 'DoesNotExist' : 'Exists',
      values: [],
    };
  throw badRequest(
    `unable to parse requirement: found '${part}' in selector "${whole}"`,
  );
}

/** Converts a structured selector to requirements (an empty selector matches everything). */
export function requirementsOf(
  selector: LabelSelector | undefined,
): Requirement[] {
  const out: Requirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    out.push({ key, operator: 'In', values: [value] });
  }
  for (const expr of selector?.matchExpressions ?? []) {
    out.push({
      key: expr.key,
      operator: expr.operator as Operator,
      values: expr.values ?? [],
    });
  }
  return out;
}

export function matchesRequirements(
  requirements: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const r of requirements) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const value = l[r.key];
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      case 'Gt':
      case 'Lt': {
        if (!has || !/^-?\d+$/.test(value)) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        if (r.operator === 'Gt' ? !(n > bound) : !(n < bound)) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  return matchesRequirements(requirementsOf(selector), labels);
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** Parses `metadata.name=x,status.phase!=Running`. */
export function parseFieldSelector(
  input: string | undefined,
  supported: readonly string[],
): FieldRequirement[] {
  const text = (input ?? '').trim();
  if (!text) return [];
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (ch === ',') {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map(term => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (!m)
      throw badRequest(
        `invalid selector: '${text}'; can't understand '${term}'`,
      );
    const field = m[1];
    if (!supported.includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return {
      field,
      value: m[3].replace(/\\(.)/g, '$1'),
      negate: m[2] === '!=',
    };
  });
}

export function matchesFields(
  requirements: FieldRequirement[],
  fields: Record<string, string>,
): boolean {
  for (const r of requirements) {
    const value = fields[r.field] ?? '';
    if (r.negate ? value === r.value : value !== r.value) return false;
  }
  return true;
}

/** The scheduler's node-affinity term match (matchExpressions and matchFields). */
export function matchesNodeSelectorTerm(
  term: {
    matchExpressions?: LabelSelector['matchExpressions'];
    matchFields?: LabelSelector['matchExpressions'];
  },
  labels: Record<string, string> | undefined,
  nodeName: string,
): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  if (!matchesRequirements(requirementsOf({ matchExpressions: exprs }), labels))
    return false;
  return matchesRequirements(requirementsOf({ matchExpressions: fields }), {
    'metadata.name': nodeName,
  });
}
