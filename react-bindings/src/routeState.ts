import type { PulseClient } from '@pulse/sdk';

/** The route template each client was last told, so repeats (StrictMode, re-renders) are no-ops. */
const templates = new WeakMap<PulseClient, string>();

/** The template the app last reported for `client`, if any. */
export const currentRouteTemplate = (client: PulseClient): string | undefined =>
  templates.get(client);

/**
 * Remembers `template` as the client's route. The first template only names the page view that
 * is already running (a provider-created client reads it through `config.route`); each later,
 * different one is an SPA navigation and starts a soft page view via `setRoute`.
 */
export function reportRouteTemplate(client: PulseClient, template: string): void {
  const previous = templates.get(client);
  if (previous === template) return;
  templates.set(client, template);
  if (previous !== undefined) client.setRoute(template);
}
