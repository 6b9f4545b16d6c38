'use client';

import { useRef } from 'react';
import { usePulse } from './usePulse.js';
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js';

/**
 * Reports the current route as a template (`/users/:id`), not a path, for routers that know it
 * (React Router: the patterns of `useMatches()`), through `setRoute`. Under a `<PulseProvider
 * config>` the first template names the first page view, because the provider starts the SDK
 * after its children's layout effects; each later change starts a soft page view. Undefined
 * (route not known yet) reports nothing.
 */
export function usePulseRoute(template: string | undefined): void {
  const client = usePulse();
  /** What this component reported, so StrictMode's effect replay does not report it twice. */
  const reported = useRef<{ client: typeof client; template: string }>(undefined);
  // A layout effect, so it runs before the provider starts the SDK in its own layout effect.
  useIsomorphicLayoutEffect(() => {
    if (template === undefined) return;
    const last = reported.current;
    if (last?.client === client && last.template === template) return;
    reported.current = { client, template };
    client.setRoute(template);
  }, [client, template]);
}
