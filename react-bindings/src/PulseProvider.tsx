import { useEffect, type ReactNode } from 'react';
import { init, type PulseClient, type PulseConfig } from '@pulse/sdk';
import { PulseContext } from './PulseContext.js';
import { obtainClient, retainClient } from './clientCache.js';
import { inertClient } from './inertClient.js';
import { isBrowser } from './isBrowser.js';
import { currentRouteTemplate } from './routeState.js';
import { vitalsStoreOf } from './vitalsStore.js';

/** Props of `<PulseProvider>`: either a configuration to initialise the SDK with, or a client. */
export type PulseProviderProps = { children?: ReactNode } & (
  | {
      /**
       * SDK options, passed to `init()` once per app name for the page's lifetime: later changes
       * to this object are ignored, so an inline object literal is fine.
       */
      config: PulseConfig;
      client?: never;
    }
  | {
      /** A client the app created itself (`init()` or `window.Pulse`); the provider never stops it. */
      client: PulseClient;
      config?: never;
    }
);

/**
 * Starts the SDK. Unless the app gave its own `route` option, the SDK asks for the template
 * `usePulseRoute` last reported, so the first page view is named by its template too.
 */
const startClient = (config: PulseConfig): PulseClient => {
  if (config.route) return init(config);
  // A holder: init may ask for the route before it returns, when there is no client to look up.
  const started: { client?: PulseClient } = {};
  const route = () => (started.client ? currentRouteTemplate(started.client) : undefined);
  return (started.client = init({ ...config, route }));
};

/**
 * Makes a Pulse client available to the hooks below it. With `config`, the SDK is initialised in
 * the browser on first render, once per app even under StrictMode, and stopped when the last
 * provider of that app unmounts. On the server it provides a client that records nothing.
 */
export function PulseProvider(props: PulseProviderProps): ReactNode {
  const { config, children } = props;
  const ownsClient = !props.client && isBrowser();
  const client =
    props.client ?? (ownsClient && config ? obtainClient(config, startClient) : inertClient);
  const app = ownsClient ? config?.app : undefined;

  useEffect(() => (app === undefined ? undefined : retainClient(app)), [app]);
  // Vitals arrive from the first paint on, before any component shows them: keep them from now.
  useEffect(() => vitalsStoreOf(client).subscribe(() => {}), [client]);

  return <PulseContext.Provider value={client}>{children}</PulseContext.Provider>;
}
