import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh token for --allow-actions: 128 random bits, hex. */
export const newActionToken = (): string => randomBytes(16).toString('hex');

/** Compares `Authorization: Bearer <token>` in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
