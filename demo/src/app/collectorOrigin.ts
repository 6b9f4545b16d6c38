/** Where beacons go, and where the dashboard is: written into the page by the demo server. */
export const collectorOrigin =
  document.querySelector<HTMLMetaElement>('meta[name="pulse-collector"]')?.content ?? '';
