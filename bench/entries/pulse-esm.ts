// Pulse through its ESM entry, as an app bundling it would write it.
import { init } from '@pulse/sdk';

init({ app: 'shop', collector: 'https://rum.example.com', release: '1.4.2' });
