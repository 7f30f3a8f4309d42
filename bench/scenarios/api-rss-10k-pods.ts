import { pods10k } from '../fixtures/pods-10k.js';
import { metric, round } from '../metrics.js';
import { sleep } from '../support/pool.js';
import type { Scenario } from '../types.js';

const SETTLE_MS = 1000;

/**
 * Resident memory of the api-server process (fixture pods-10k, shared with api-list-10k-pods):
 * baseline = right after start with an empty store; value = with 10k pods stored, after a full list.
 */
export const apiRss10kPods: Scenario = {
  name: 'api-rss-10k-pods',
  description: 'api-server VmRSS with 10k pods stored (after a full list) vs right after start with an empty store',
  fixtures: [pods10k],
  run: async (ctx) => {
    const fx = await ctx.fixture(pods10k);
    const { obj } = await fx.cluster.http.getJson<{ items: unknown[] }>('/api/v1/pods');
    await sleep(SETTLE_MS);
    const rss = await fx.cluster.api.rssMiB();
    const perPodKiB = ((rss - fx.rssEmptyMiB) * 1024) / fx.pods;
    return {
      metrics: [
        metric({ name: 'RSS with 10k pods', unit: 'MiB', value: rss, baseline: fx.rssEmptyMiB, baselineLabel: 'empty store' }),
        metric({ name: 'RSS growth per pod', unit: 'KiB', value: perPodKiB }),
      ],
      details: { pods: fx.pods, listedItems: obj.items.length, pid: fx.cluster.api.pid, rssMiB: round(rss), rssEmptyMiB: round(fx.rssEmptyMiB) },
    };
  },
};
