// `npm run bench`: indexing speed against the browser's own read limit, and query latency
// on a 100,000-instance index, measured in headless Chromium through the real worker pool.
// Options: --ct N --mr N --queries N --pool N (defaults 2000, 2000, 100000, app default).
// --sync N: entries a new peer receives over WebRTC through our relay (default 100000).
// --ledger N: signed entries appended, persisted, cold-loaded and verified (default 100000).
import { spawn, execSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import { findChromium, CHROMIUM_HINT } from './chromium.js';
import { startRelay } from './signal.js';

// A flag given without a number (`--deid`) keeps its default instead of becoming NaN,
// which would silently skip that benchmark.
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return i >= 0 && process.argv[i + 1] !== undefined && Number.isFinite(v) ? v : fallback;
};
const ctCount = arg('ct', 2000);
const mrCount = arg('mr', 2000);
const queryRows = arg('queries', 100_000);
const port = arg('port', 4390);
const syncCount = arg('sync', 100_000);
const ledgerCount = arg('ledger', 100_000);
// --deid N: CT files (256x256) de-identified OPFS -> OPFS vs plainly copied (default 500).
// --deid-workers N: helper workers for its write + read-back stage (default: the app's).
const deidCount = arg('deid', 500);
const deidWorkers = arg('deid-workers', undefined);
// --dist DIR: build into and serve DIR instead of dist/, so parallel runs do not collide.
const distIndex = process.argv.indexOf('--dist');
const dist = distIndex >= 0 ? process.argv[distIndex + 1] : null;

const executablePath = findChromium({ install: true });
if (!executablePath) {
  console.error(CHROMIUM_HINT);
  process.exit(1);
}

// The test build: the benchmark page is not in the production build.
execSync(`npx vite build --logLevel warn${dist ? ` --outDir ${dist} --emptyOutDir` : ''}`, {
  stdio: 'inherit',
  env: { ...process.env, TRIALBENCH_TEST_BUILD: '1' },
});
const server = spawn(
  'node',
  [
    'node_modules/vite/bin/vite.js',
    'preview',
    '--port',
    String(port),
    '--strictPort',
    ...(dist ? ['--outDir', dist] : []),
  ],
  { stdio: 'ignore' },
);
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});

try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error('[page]', m.text()));
  for (let i = 0; ; i++) {
    try {
      await page.goto(`http://127.0.0.1:${port}/bench.html`);
      break;
    } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await page.waitForFunction(() => 'trialbenchBench' in window);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const poolSize = arg('pool', Math.max(1, Math.min(4, cores - 1)));
  const call = (fn, ...args) =>
    page.evaluate(([fn, args]) => window.trialbenchBench[fn](...args), [fn, args]);

  const rows = [];
  const headline = [];
  for (const [label, modality, count, size] of [
    ['CT 512x512x16', 'CT', ctCount, 512],
    ['MR 64x64x16', 'MR', mrCount, 64],
  ]) {
    if (!count) continue;
    const name = `bench-${modality.toLowerCase()}`;
    const written = await call('writeCorpus', name, {
      modality,
      count,
      rows: size,
      columns: size,
      seed: 7,
      phantom: false,
    });
    // Warm once so both runs see the same cache state, then measure baseline and indexing.
    await call('probe', name, poolSize);
    const probe = await call('probe', name, poolSize);
    const index = await call('index', name, poolSize);
    const inMemory = await call('index', name, poolSize, 'none');
    await call('removeCorpus', name);
    const probeRate = probe.files / (probe.ms / 1000);
    const indexRate = index.files / (index.ms / 1000);
    const ratio = indexRate / probeRate;
    rows.push([
      label,
      count,
      (written.bytes / 1e6).toFixed(0) + ' MB',
      probeRate.toFixed(0),
      indexRate.toFixed(0),
      (index.bytes / 1e6 / (index.ms / 1000)).toFixed(1),
      ratio.toFixed(2),
      (inMemory.files / (inMemory.ms / 1000)).toFixed(0),
      `${index.indexed}/${index.files}`,
    ]);
    headline.push([`index-${modality.toLowerCase()}`, indexRate.toFixed(0), 'files/s']);
    headline.push([`index-${modality.toLowerCase()}-vs-prefix-read`, ratio.toFixed(2), 'x']);
  }

  console.log('\nIndexing (pool of %d workers, %d cores)', poolSize, cores);
  console.table(
    rows.map((r) => ({
      corpus: r[0],
      files: r[1],
      size: r[2],
      'prefix read files/s': r[3],
      'index files/s': r[4],
      'index MB/s read': r[5],
      'index / prefix read': r[6],
      'index files/s, no store': r[7],
      indexed: r[8],
    })),
  );

  if (queryRows) {
    const q = await call('queries', queryRows);
    console.log(
      `\nQueries on ${q.instances} instances (load ${(q.loadMs / 1000).toFixed(1)} s), median ms:`,
    );
    console.table({
      'all series': q.all.toFixed(1),
      'modality = MR': q.modality.toFixed(1),
      'text "subj-42"': q.text.toFixed(1),
      'study date 2015-2018': q.dateRange.toFixed(1),
      'files of one series': q.seriesFiles.toFixed(1),
    });
    const worst = Math.max(q.modality, q.text, q.dateRange, q.seriesFiles);
    headline.push(['query-filtered-worst-100k', worst.toFixed(1), 'ms']);
    headline.push(['query-series-files-100k', q.seriesFiles.toFixed(1), 'ms']);
  }

  if (deidCount) {
    const d = await page.evaluate(
      ([count, outputWorkers]) =>
        window.trialbenchDeid.run(
          { modality: 'CT', count, rows: 256, columns: 256, seed: 11, phantom: false },
          outputWorkers === null ? {} : { outputWorkers },
        ),
      [deidCount, deidWorkers ?? null],
    );
    console.log(
      `\nDe-identification: ${d.files} files written (${d.held} held, ${d.leakChecked} read back and leak-checked), ${d.megabytes.toFixed(0)} MB`,
    );
    console.table({
      'plain copy OPFS -> OPFS, MB/s': d.copyMBs.toFixed(1),
      'plain copy, 4 files in flight, MB/s': d.copy4MBs.toFixed(1),
      'de-identify OPFS -> OPFS, MB/s': d.deidMBs.toFixed(1),
      'de-identify / copy': d.ratio.toFixed(2),
      'de-identify / copy with 4 in flight': d.ratio4.toFixed(2),
    });
    if (d.timing) {
      const t = d.timing;
      console.log(
        `  run worker: listing ${t.list.toFixed(2)} s, waiting for reads ${t.readWait.toFixed(2)} s, de-identifying ${t.deid.toFixed(2)} s, waiting for write + read-back ${t.outputWait.toFixed(2)} s, finishing ${t.finish.toFixed(2)} s`,
      );
    }
    headline.push(['deid-vs-copy', d.ratio.toFixed(2), 'x']);
  }

  if (ledgerCount) {
    const l = await page.evaluate((n) => window.trialbenchLedger.run(n), ledgerCount);
    const rates = l.blockRates;
    const first = rates[0];
    const last = rates[rates.length - 1];
    // The machine's own limit for this path: signing alone, same key type, same run.
    console.log(
      `\nLedger: ${l.entries} signed entries (state after cold load identical: ${l.sameState})`,
    );
    console.table({
      [`appends/s, block 1 (entries 1-${l.block})`]: first.toFixed(0),
      [`appends/s, last block (to ${l.entries - 1})`]: last.toFixed(0),
      'last / first block': (last / first).toFixed(2),
      'persist to IndexedDB (s)': l.persistSeconds.toFixed(1),
      'cold load: read + verify + fold (s)': l.coldLoadSeconds.toFixed(1),
      'of which verify + fold (s)': l.verifySeconds.toFixed(1),
    });
    if (!l.sameState) console.error('LEDGER BENCH: the cold-loaded state differs');
    headline.push(['ledger-append-rate', last.toFixed(0), 'entries/s']);
    headline.push(['ledger-append-last-vs-first-block', (last / first).toFixed(2), 'x']);
    headline.push([
      `ledger-cold-load-verify-${l.entries > 1000 ? Math.round((l.entries - 1) / 1000) + 'k' : l.entries}`,
      l.coldLoadSeconds.toFixed(1),
      's',
    ]);
  }

  if (syncCount) {
    // Two people: one holds the room, a second joins later and receives everything.
    const relay = await startRelay({ port: 0, quiet: true });
    try {
      const room = { name: `bench-${Date.now()}`, password: 'YmVuY2g', relays: [relay.url] };
      const peers = [];
      for (let i = 0; i < 2; i++) {
        // Camera/microphone permission makes Chromium offer real local ICE candidates.
        const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
        const p = await context.newPage();
        await p.goto(`http://127.0.0.1:${port}/bench.html`);
        await p.waitForFunction(() => 'trialbenchSync' in window);
        peers.push(p);
      }
      await peers[0].evaluate(
        ([r, n]) => window.trialbenchSync.open({ ...r, seed: n }),
        [room, syncCount],
      );
      await peers[0].waitForFunction(() => window.trialbenchSync.status()?.state === 'online');
      const s = await peers[1].evaluate(
        ([r, n]) => window.trialbenchSync.newPeer(r, n),
        [room, syncCount],
      );
      console.log(
        `\nSync: ${s.entries} entries (${(s.bytes / 1e6).toFixed(1)} MB) reached a new peer in ${s.seconds.toFixed(1)} s`,
      );
      headline.push([`sync-${syncCount / 1000}k-new-peer`, s.seconds.toFixed(1), 's']);
    } finally {
      await relay.close();
    }
  }

  console.log('');
  for (const [name, value, unit] of headline) console.log(`bench ${name}: ${value} ${unit}`);
} finally {
  await browser.close();
  server.kill();
}
