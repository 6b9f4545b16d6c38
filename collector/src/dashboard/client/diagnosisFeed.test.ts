import { afterEach, describe, expect, it, vi } from 'vitest';
import { diagnosisFeed, type DiagnosisViews, type Selection } from './diagnosisFeed.js';

afterEach(() => vi.unstubAllGlobals());

/** A fetch whose answers the test releases one by one, recording what was asked. */
function controlledFetch() {
  const pending: Array<{ url: string; answer: () => void }> = [];
  vi.stubGlobal('fetch', (url: string) => {
    return new Promise((resolve) => {
      pending.push({
        url,
        answer: () => resolve(new Response(JSON.stringify({ url }), { status: 200 })),
      });
    });
  });
  return pending;
}

function recordingViews() {
  const log: string[] = [];
  const views: DiagnosisViews = {
    selecting: ({ app, route }) => log.push(`selecting ${app} ${route}`),
    answered: ({ route }, { report, releases, errors }) =>
      log.push(`answered ${route} ${[report, releases, errors].map((one) => one !== undefined)}`),
  };
  return { log, views };
}

describe('diagnosisFeed', () => {
  it('asks the three endpoints for the route, and only the app-wide two for all routes', async () => {
    const pending = controlledFetch();
    const { log, views } = recordingViews();
    const feed = diagnosisFeed(views);
    const done = feed.refresh({ app: 'shop', route: '/a b' });
    await vi.waitFor(() => expect(pending).toHaveLength(3));
    expect(pending.map(({ url }) => url)).toEqual([
      '/api/v1/diagnosis?app=shop&route=%2Fa+b',
      '/api/v1/releases?app=shop',
      '/api/v1/errors?app=shop',
    ]);
    pending.forEach(({ answer }) => answer());
    await done;
    const all = feed.refresh({ app: 'shop', route: '*' });
    await vi.waitFor(() => expect(pending).toHaveLength(5));
    pending.slice(3).forEach(({ answer }) => answer());
    await all;
    expect(log).toEqual([
      'selecting shop /a b',
      'answered /a b true,true,true',
      'selecting shop *',
      'answered * false,true,true',
    ]);
  });

  it('drops an answer for a route the viewer has left meanwhile', async () => {
    const pending = controlledFetch();
    const { log, views } = recordingViews();
    const feed = diagnosisFeed(views);
    const first: Selection = { app: 'shop', route: '/slow' };
    const slow = feed.refresh(first);
    await vi.waitFor(() => expect(pending).toHaveLength(3));
    const fast = feed.refresh({ app: 'shop', route: '/fast' });
    await vi.waitFor(() => expect(pending).toHaveLength(6));
    pending.slice(3).forEach(({ answer }) => answer());
    await fast;
    pending.slice(0, 3).forEach(({ answer }) => answer());
    await slow;
    expect(log).toEqual([
      'selecting shop /slow',
      'selecting shop /fast',
      'answered /fast true,true,true',
    ]);
  });

  it('keeps what is shown when the collector does not answer', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const { log, views } = recordingViews();
    await diagnosisFeed(views).refresh({ app: 'shop', route: '/a' });
    expect(log).toEqual(['selecting shop /a', 'answered /a false,false,false']);
  });
});
