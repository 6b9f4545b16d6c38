/**
 * A random id for sessions and page views (about 10 base-36 characters, ~52 bits). Not a
 * secret, only needs to be unique enough to group events, so Math.random (available everywhere,
 * unlike crypto.randomUUID on plain http) is enough.
 */
export const randomId = (): string => Math.random().toString(36).slice(2);
