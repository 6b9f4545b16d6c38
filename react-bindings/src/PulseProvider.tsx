'use client';

import type { ReactNode } from 'react';
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js';
import type { PulseClient, PulseConfig } from '@pulse/sdk';
import { PulseContext } from './PulseContext.js';
import { obtainClient, retainClient } from './clientCache.js';
import { inertClient } from './inertClient.js';
import { isBrowser } from './isBrowser.js';
import { vitalsStoreOf } from './vitalsStore.js';

/** Props of `<PulseProvider>`: either a configuration to initialise the SDK with, or a client. */
export type PulseProviderProps = {
  /** The app, or the part of it that uses Pulse. */
  children?: ReactNode;
} & (
  | {
      /**
       * SDK options, passed to `init()` once per app name for the page's lifetime: later changes
       * to this object are ignored, so an inline object literal is fine.
       */
      config: PulseConfig;
      /**
       * Route templates (`/products/[id]`, `/docs/[...slug]`, `/users/:id`) matched against the
       * page's path in the browser: a page view is labelled by the most specific one that
       * matches, else by its path with ids replaced by `:id`. Plain strings, unlike `config.route`,
       * so a React Server Component (a Next.js layout) can pass them. Read once, with `config`.
       */
      routes?: readonly string[];
      client?: never;
    }
  | {
      /** A client the app created itself (`init()` or `window.Pulse`); the provider never stops it. */
      client: PulseClient;
      config?: never;
      routes?: never;
    }
);

/**
 * Makes a Pulse client available to the hooks below it. With `config`, the SDK is initialised in
 * the browser when the provider first mounts, once per app even under StrictMode, and stopped
 * when the last provider of that app unmounts. On the server it provides a client that records
 * nothing.
 */
export function PulseProvider(props: PulseProviderProps): ReactNode {
  const { config, routes, children } = props;
  const ownsClient = !props.client && isBrowser();
  const client =
    props.client ?? (ownsClient && config ? obtainClient(config, routes) : inertClient);
  const app = ownsClient ? config?.app : undefined;

  // Keep live vitals and long tasks from the SDK's first report on, before any component shows
  // them: subscribed before the start below, so the SDK's buffered early entries are not missed.
  useIsomorphicLayoutEffect(() => vitalsStoreOf(client).subscribe(() => {}), [client]);
  // After the children's layout effects (a route template), before any passive effect (plugins).
  useIsomorphicLayoutEffect(() => (app === undefined ? undefined : retainClient(app)), [app]);

  return <PulseContext.Provider value={client}>{children}</PulseContext.Provider>;
}
