// Elastic APM's real-user-monitoring agent with its defaults.
import { init } from '@elastic/apm-rum';

init({ serviceName: 'shop', serviceVersion: '1.4.2', serverUrl: 'https://apm.example.com' });
