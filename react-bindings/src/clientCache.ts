import type { PulseClient, PulseConfig } from '@pulse/sdk';

interface CachedClient {
  client: PulseClient;
  /** Mounted providers using this client. */
  mounts: number;
}

/**
 * One client per app name for the whole page. React may render a provider twice (StrictMode,
 * discarded concurrent renders) and mount, unmount and mount it again (StrictMode, Fast Refresh);
 * the SDK must be initialised once through all of that, or it would report the page view twice.
 */
const clients = new Map<string, CachedClient>();

/** The cached client for `config.app`, created with `create` on first use. */
export function obtainClient(
  config: PulseConfig,
  create: (config: PulseConfig) => PulseClient,
): PulseClient {
  let cached = clients.get(config.app);
  if (!cached) {
    cached = { client: create(config), mounts: 0 };
    clients.set(config.app, cached);
  }
  return cached.client;
}

/**
 * Marks the app's client as used by one mounted provider; the returned release stops the client
 * once no provider uses it any more. The stop waits a microtask because StrictMode's simulated
 * unmount is followed at once by a remount, which must find the same, still running client.
 */
export function retainClient(app: string): () => void {
  const cached = clients.get(app);
  if (!cached) return () => {};
  cached.mounts += 1;
  return () => {
    cached.mounts -= 1;
    queueMicrotask(() => {
      if (cached.mounts > 0 || clients.get(app) !== cached) return;
      clients.delete(app);
      cached.client.stop();
    });
  };
}
