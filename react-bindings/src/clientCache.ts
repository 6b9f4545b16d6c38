import type { PulseConfig } from '@pulse/sdk';
import { init } from '@pulse/sdk';
import { createDeferredClient, type DeferredClient } from './deferredClient.js';
import { routeTemplateMatcher } from './routeTemplates.js';

interface CachedClient {
  client: DeferredClient;
  /** Mounted providers using this client. */
  mounts: number;
}

/**
 * One client per app name for the whole page. React may render a provider twice (StrictMode,
 * discarded concurrent renders) and mount, unmount and mount it again (StrictMode, Fast Refresh);
 * the SDK must be initialised once through all of that, or it would report the page view twice.
 */
const clients = new Map<string, CachedClient>();

/**
 * The app's client, created (not started) on first use: safe to call during render. `routes`,
 * route templates matched against the path, count only then, as `config` does.
 */
export function obtainClient(config: PulseConfig, routes?: readonly string[]): DeferredClient {
  let cached = clients.get(config.app);
  if (!cached) {
    const routeOfPath = routes?.length ? routeTemplateMatcher(routes) : undefined;
    cached = { client: createDeferredClient(config, init, routeOfPath), mounts: 0 };
    clients.set(config.app, cached);
  }
  return cached.client;
}

/**
 * Marks the app's client as used by one mounted provider and starts it; the returned release
 * stops it once no provider uses it any more. The stop waits a microtask because StrictMode's
 * simulated unmount is followed at once by a remount, which must find the same running client.
 */
export function retainClient(app: string): () => void {
  const cached = clients.get(app);
  if (!cached) return () => {};
  cached.mounts += 1;
  cached.client.start();
  return () => {
    cached.mounts -= 1;
    queueMicrotask(() => {
      if (cached.mounts > 0 || clients.get(app) !== cached) return;
      clients.delete(app);
      cached.client.stop();
    });
  };
}
