// Sentry's browser SDK with performance monitoring (web vitals come with browser tracing).
import { browserTracingIntegration, init } from '@sentry/browser';

init({
  dsn: 'https://public@o0.ingest.example.com/1',
  release: 'shop@1.4.2',
  integrations: [browserTracingIntegration()],
  tracesSampleRate: 1,
});
