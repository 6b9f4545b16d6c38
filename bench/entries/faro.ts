// Grafana Faro as its README sets it up: the web SDK with its default web instrumentations.
import { getWebInstrumentations, initializeFaro } from '@grafana/faro-web-sdk';

initializeFaro({
  url: '/collect',
  app: { name: 'shop', version: '1.4.2', environment: 'production' },
  instrumentations: getWebInstrumentations(),
});
