import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * A constant-time comparison against a configured secret (the ingest key, the admin token).
 * Both sides are hashed first so the comparison takes the same time whatever the length of the
 * guess.
 */
export function secretMatcher(expected: string): (candidate: string) => boolean {
  const expectedDigest = digest(expected);
  return (candidate) => timingSafeEqual(digest(candidate), expectedDigest);
}
