/** True in a browser; false under react-dom/server on Node, where Pulse must stay inert. */
export const isBrowser = (): boolean =>
  typeof window !== 'undefined' && typeof document !== 'undefined';
