// Datadog RUM without session replay (the "slim" package), as its docs set it up.
import { datadogRum } from '@datadog/browser-rum-slim';

datadogRum.init({
  applicationId: '00000000-0000-0000-0000-000000000000',
  clientToken: 'pub00000000000000000000000000000000',
  site: 'datadoghq.com',
  service: 'shop',
  version: '1.4.2',
  sessionSampleRate: 100,
  trackLongTasks: true,
  trackResources: true,
  trackUserInteractions: true,
});
