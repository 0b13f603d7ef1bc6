import { API_KEY_PREFIX } from '@genai-portal/plugin-genai-playground-common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Characters of a key shown in lists: `gpk-` and eight more. */
const SHOWN = API_KEY_PREFIX.length + 8;

/** A new secret: `gpk-` and 32 random bytes, base64url (256 bits). */
export function generateApiKey(): {
  key: string;
  hash: string;
  prefix: string;
} {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, SHOWN) };
}

/** What is stored and looked up: SHA-256 of the whole key, hex. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** Whether a bearer token looks like one of our keys (before any lookup). */
export function looksLikeApiKey(token: string): boolean {
  return (
    token.startsWith(API_KEY_PREFIX) &&
    token.length > SHOWN &&
    token.length < 200
  );
}
