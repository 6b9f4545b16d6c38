import { useEffect } from 'react';
import { usePulse } from './usePulse.js';
import { reportRouteTemplate } from './routeState.js';

/**
 * Reports the current route as a template (`/users/:id`), not a path, for routers that know it
 * (React Router: the last entry of `useMatches()` joined into a pattern). The first template names
 * the page view already running; each change after it starts a soft page view. Undefined (route
 * not known yet) reports nothing.
 */
export function usePulseRoute(template: string | undefined): void {
  const client = usePulse();
  useEffect(() => {
    if (template !== undefined) reportRouteTemplate(client, template);
  }, [client, template]);
}
