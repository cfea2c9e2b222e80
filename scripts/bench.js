// `npm run bench`: indexing speed against the browser's own read limit, and query latency
// on a 100,000-instance index, measured in headless Chromium through the real worker pool.
// Options: --ct N --mr N --queries N --pool N (defaults 2000, 2000, 100000, app default),
// --rounds N (indexing: prefix read and index each measured N times; default 3).
// --sync N: entries a new peer receives over WebRTC through our relay (default 100000).
// --ledger N: signed entries appended, persisted, cold-loaded and verified (default 100000);
// then the app's export of them verified by `trialbench verify` in Node (verify-100k).
import { spawn, spawnSync, execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { findChromium, CHROMIUM_HINT } from './chromium.js';
import { startRelay } from './signal.js';
import { benchDeidCli } from './bench-deid-cli.js';
import { codecInputs } from './bench-codecs.js';

// A flag given without a number (`--deid`) keeps its default instead of becoming NaN,
// which would silently skip that benchmark.
/** 100000 -> '100k' (a headline name says its size). */
const sizeOf = (n) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return i >= 0 && process.argv[i + 1] !== undefined && Number.isFinite(v) ? v : fallback;
};
const ctCount = arg('ct', 2000);
// --rounds N: prefix read and index measured N times each, alternating (default 3). Other
// sessions share this machine's 2 cores: one pair of runs swung the ratio by +-0.15, so the
// figure is the median of the rounds' ratios, with their range beside it.
const rounds = Math.max(1, arg('rounds', 3));
const mrCount = arg('mr', 2000);
const queryRows = arg('queries', 100_000);
const port = arg('port', 4390);
const syncCount = arg('sync', 100_000);
const ledgerCount = arg('ledger', 100_000);
// --deid N: CT files (256x256) de-identified OPFS -> OPFS vs plainly copied (default 500).
// --deid-workers N: helper workers for its write + read-back stage (default: the app's).
const deidCount = arg('deid', 500);
// --qc N: series of 50 instances QC-checked in the worker (default 2000: 100,000 instances).
const qcSeries = arg('qc', 2000);
const deidWorkers = arg('deid-workers', undefined);
// --deid-rounds N: rounds of copy, copy with 4 in flight and de-identify (default 3).
// --deid-in-flight N: outputs waiting at each output stage (default: the app's).
const deidRounds = arg('deid-rounds', 3);
const deidInFlight = arg('deid-in-flight', undefined);
// --deid-file-workers N: the per-file pool's workers (default: the app's; 0: the run's own).
const deidFileWorkers = arg('deid-file-workers', undefined);
// --deid-cli N: CT files (512x512) through `trialbench deid` vs gdcmanon (default 400; 0: off).
const deidCliCount = arg('deid-cli', 400);
// --viewer N: slices of the 512x512 CT stack the viewer opens and scrolls (default 300; 0
// skips); --viewer-cpu / --viewer-gpu force Cornerstone3D's CPU or WebGL2 rendering (by
// default the app's choice: WebGL2 unless WebGL is itself drawn by the CPU, as here).
const viewerCount = arg('viewer', 300);
const viewerRenderer = process.argv.includes('--viewer-cpu')
  ? 'cpu'
  : process.argv.includes('--viewer-gpu')
    ? 'gpu'
    : 'auto';
// --dist DIR: build into and serve DIR instead of dist/, so parallel runs do not collide.
const distIndex = process.argv.indexOf('--dist');
const dist = distIndex >= 0 ? process.argv[distIndex + 1] : null;

/**
 * The machine's own limit for verifying an export: WebCrypto checks of every entry's
 * signature in this Node process, 512 in flight (what the verifier must do at least).
 */
async function signaturesOnly(text) {
  const subtle = globalThis.crypto.subtle;
  const keys = new Map();
  const jobs = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"author"')) continue;
    const e = JSON.parse(line);
    const member = `,"sig":"${e.sig}"`;
    const at = line.lastIndexOf(member);
    jobs.push({
      author: e.author,
      sig: e.sig,
      bytes: line.slice(0, at) + line.slice(at + member.length),
    });
  }
  const enc = new TextEncoder();
  const t0 = performance.now();
  for (let i = 0; i < jobs.length; i += 512) {
    await Promise.all(
      jobs.slice(i, i + 512).map(async (j) => {
        let key = keys.get(j.author);
        if (!key) {
          const ed = j.author.startsWith('ed25519:');
          const raw = Buffer.from(j.author.slice(ed ? 8 : 5), 'base64url');
          key = await subtle.importKey(
            'raw',
            raw,
            ed ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' },
            false,
            ['verify'],
          );
          keys.set(j.author, key);
        }
        const alg =
          key.algorithm.name === 'Ed25519'
            ? { name: 'Ed25519' }
            : { name: 'ECDSA', hash: 'SHA-256' };
        return subtle.verify(alg, key, Buffer.from(j.sig, 'base64url'), enc.encode(j.bytes));
      }),
    );
  }
  return (performance.now() - t0) / 1000;
}

/** `trialbench verify` on an export, timed from process start to exit (bundle built first). */
function verifyExportInCli(text, entries) {
  const dir = mkdtempSync(join(tmpdir(), 'trialbench-bench-'));
  try {
    const file = join(dir, 'export.jsonl');
    writeFileSync(file, text);
    spawnSync(process.execPath, ['bin/trialbench.js', '--help'], { stdio: 'ignore' });
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/trialbench.js', 'verify', file], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, rate: entries / seconds, status: r.status, stdout: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
    // Warm once so both runs see the same cache state, then measure baseline and indexing
    // in rounds, taking turns at going first so a change of load hits both alike.
    await call('probe', name, poolSize);
    const rate = (r) => r.files / (r.ms / 1000);
    const probeRates = [];
    const indexRates = [];
    const listRates = [];
    const ratios = [];
    let index = null;
    for (let k = 0; k < rounds; k++) {
      let p = null;
      if (k % 2 === 0) p = await call('probe', name, poolSize);
      index = await call('index', name, poolSize);
      if (k % 2 === 1) p = await call('probe', name, poolSize);
      probeRates.push(rate(p));
      indexRates.push(rate(index));
      listRates.push(index.files / (index.listMs / 1000));
      ratios.push(rate(index) / rate(p));
    }
    const inMemory = await call('index', name, poolSize, 'none');
    await call('removeCorpus', name);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const probeRate = median(probeRates);
    const indexRate = median(indexRates);
    const ratio = median(ratios);
    rows.push([
      label,
      count,
      (written.bytes / 1e6).toFixed(0) + ' MB',
      probeRate.toFixed(0),
      indexRate.toFixed(0),
      (index.bytes / 1e6 / (index.ms / 1000)).toFixed(1),
      ratio.toFixed(2),
      `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`,
      (inMemory.files / (inMemory.ms / 1000)).toFixed(0),
      `${index.indexed}/${index.files}`,
      median(listRates).toFixed(0),
    ]);
    headline.push([`index-${modality.toLowerCase()}`, indexRate.toFixed(0), 'files/s']);
    headline.push([`index-${modality.toLowerCase()}-vs-prefix-read`, ratio.toFixed(2), 'x']);
  }

  console.log(
    '\nIndexing (pool of %d workers, %d cores; medians of %d rounds)',
    poolSize,
    cores,
    rounds,
  );
  console.table(
    rows.map((r) => ({
      corpus: r[0],
      files: r[1],
      size: r[2],
      'prefix read files/s': r[3],
      'index files/s': r[4],
      'index MB/s read': r[5],
      'index / prefix read': r[6],
      'ratio range': r[7],
      'index files/s, no store': r[8],
      indexed: r[9],
      'listing files/s': r[10],
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

  if (qcSeries) {
    const q = await page.evaluate((n) => window.trialbenchQc.run(n), qcSeries);
    const k = Math.round(q.instances / 1000);
    console.log(
      `\nQC: ${q.instances} instances in ${q.series} series, ${q.rules} rules with geometry, in the QC worker (${q.flagged} series flagged)`,
    );
    console.table({
      'QC in the worker: pack, move in, check, results back (s)': (q.qcMs / 1000).toFixed(2),
      'limit: the same input packed and moved in, no checking (s)': (q.cloneMs / 1000).toFixed(2),
      'QC / move-only time': (q.qcMs / q.cloneMs).toFixed(1),
      'longest main-thread stall while QC ran (ms)': q.stallMs.toFixed(0),
    });
    headline.push([`qc-${k}k`, (q.qcMs / 1000).toFixed(2), 's']);
    headline.push([`qc-${k}k-vs-move-only`, (q.qcMs / q.cloneMs).toFixed(1), 'x']);
    headline.push([`qc-${k}k-page-stall`, q.stallMs.toFixed(0), 'ms']);
  }

  if (deidCount) {
    const d = await page.evaluate(
      ([count, outputWorkers, rounds, inFlight, fileWorkers]) =>
        window.trialbenchDeid.run(
          { modality: 'CT', count, rows: 256, columns: 256, seed: 11, phantom: false },
          {
            rounds,
            ...(outputWorkers === null ? {} : { outputWorkers }),
            ...(inFlight === null ? {} : { outputsInFlight: inFlight }),
            ...(fileWorkers === null ? {} : { fileWorkers }),
          },
        ),
      [deidCount, deidWorkers ?? null, deidRounds, deidInFlight ?? null, deidFileWorkers ?? null],
    );
    console.log(
      `\nDe-identification: ${d.files} files written (${d.held} held, ${d.leakChecked} read back and leak-checked), ${d.megabytes.toFixed(0)} MB; medians of ${d.rounds} rounds (copy, copy with 4 in flight, de-identify)`,
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
        `  run worker: listing ${t.list.toFixed(2)} s, waiting for files read and de-identified ${t.readWait.toFixed(2)} s, deciding ${t.deid.toFixed(2)} s, waiting for write + read-back ${t.outputWait.toFixed(2)} s, finishing ${t.finish.toFixed(2)} s`,
      );
    }
    headline.push(['deid-vs-copy', d.ratio.toFixed(2), 'x']);
    // Against the better of the two plain copies of the same run.
    headline.push([
      'deid-vs-best-copy',
      (d.deidMBs / Math.max(d.copyMBs, d.copy4MBs)).toFixed(2),
      'x',
    ]);
  }

  if (deidCliCount) {
    const x = await benchDeidCli(deidCliCount);
    if (x !== null) {
      headline.push(['deid-cli-vs-gdcmanon', x.vsGdcmanon.toFixed(2), 'x']);
      headline.push(['deid-cli-vs-io-floor', x.vsFloor.toFixed(2), 'x']);
      headline.push(['deid-cli-io-floor-vs-gdcmanon', x.floorVsGdcmanon.toFixed(2), 'x']);
    }
  }

  if (ledgerCount) {
    const l = await page.evaluate((n) => window.trialbenchLedger.run(n, true), ledgerCount);
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
    const a = l.audit;
    console.log(`Audit view over ${l.entries - 1} entries (pages of 50 rows):`);
    console.table({
      'first page: index every entry once (ms)': a.firstPageMs.toFixed(0),
      'another page (ms)': a.nextPageMs.toFixed(1),
      'first page of an author filter (ms)': a.filterPageMs.toFixed(0),
      'last page after one append (ms)': a.appendPageMs.toFixed(1),
      'entries re-indexed by that append': a.appendReindexed,
      'rows built for the four pages': a.rowsBuilt,
    });
    headline.push([
      'audit-first-page-100k'.replace('100k', sizeOf(l.entries - 1)),
      a.firstPageMs.toFixed(0),
      'ms',
    ]);
    headline.push(['audit-page-after-append', a.appendPageMs.toFixed(1), 'ms']);
    headline.push(['ledger-append-rate', last.toFixed(0), 'entries/s']);
    headline.push(['ledger-append-last-vs-first-block', (last / first).toFixed(2), 'x']);
    headline.push([
      `ledger-cold-load-verify-${l.entries > 1000 ? Math.round((l.entries - 1) / 1000) + 'k' : l.entries}`,
      l.coldLoadSeconds.toFixed(1),
      's',
    ]);
    // The inspector's path: the app's export of that trail, verified by the CLI in Node.
    const size = l.entries > 1000 ? `${Math.round((l.entries - 1) / 1000)}k` : String(l.entries);
    const v = verifyExportInCli(l.exportText, l.entries);
    const sigs = await signaturesOnly(l.exportText);
    console.log(
      `CLI verify of the ${(l.exportText.length / 1e6).toFixed(0)} MB export: ${v.seconds.toFixed(1)} s (${v.rate.toFixed(0)} entries/s), exit ${v.status}; its signatures alone: ${sigs.toFixed(1)} s`,
    );
    if (v.status !== 0) console.error(`LEDGER BENCH: the export did not verify:\n${v.stdout}`);
    headline.push([`verify-${size}`, v.seconds.toFixed(1), 's']);
    headline.push([`verify-${size}-rate`, v.rate.toFixed(0), 'entries/s']);
    headline.push([`verify-${size}-vs-signatures-alone`, (v.seconds / sigs).toFixed(2), 'x']);
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

  if (viewerCount) {
    await page.waitForFunction(() => 'trialbenchViewer' in window);
    const v = await page.evaluate(
      ([n, renderer]) => window.trialbenchViewer.run(n, 512, renderer),
      [viewerCount, viewerRenderer],
    );
    console.log(
      `\nViewer (${v.backend === 'gpu' ? 'WebGL2' : 'CPU'} rendering${viewerRenderer === 'auto' ? ' as the app chose' : ', forced'}, ${viewerCount} slices 512x512 CT from OPFS${v.errors ? `, ${v.errors} errors` : ''})`,
    );
    console.table({
      'first image after the click, from the index (ms)': v.firstImageMs.toFixed(0),
      'of which the index rows and the files (ms)': v.filesMs.toFixed(0),
      'of which the stack ordered, first load started (ms)': (v.orderedMs - v.filesMs).toFixed(0),
      'first image, every header read instead (ms)': v.headersFirstImageMs.toFixed(0),
      'of which reading and ordering the headers (ms)': v.headersOrderedMs.toFixed(0),
      'reading one file of the stack, median (ms)': v.oneFileReadMs.toFixed(1),
      'first image / one file read': (v.firstImageMs / v.oneFileReadMs).toFixed(1),
      'idle page, animation frames/s': v.idleFps.toFixed(1),
      'scroll one slice a frame, decoding (frames/s)': v.scroll.fps.toFixed(1),
      'scroll, decoding / idle page': (v.scroll.fps / v.idleFps).toFixed(2),
      'scroll, decoding: images drawn/s': v.scroll.drawnPerSecond.toFixed(1),
      'scroll, decoding: last slice drawn after the scroll (ms)': v.scroll.settleMs.toFixed(0),
      'scroll, all decoded (frames/s)': v.cached.fps.toFixed(1),
      'scroll, all decoded: images drawn/s': v.cached.drawnPerSecond.toFixed(1),
    });
    headline.push(['viewer-first-image', v.firstImageMs.toFixed(0), 'ms']);
    headline.push([
      'viewer-first-image-vs-one-file-read',
      (v.firstImageMs / v.oneFileReadMs).toFixed(1),
      'x',
    ]);
    headline.push(['viewer-scroll-decoding', v.scroll.fps.toFixed(1), 'fps']);
    headline.push(['viewer-scroll-decoding-vs-idle', (v.scroll.fps / v.idleFps).toFixed(2), 'x']);
    // Decoding per codec: one 512x512 CT slice in every transfer syntax the viewer decodes.
    const sample = await page.evaluate(() => window.trialbenchCodecs.sample(512));
    const { inputs, skipped } = await codecInputs(sample, 512);
    for (const why of skipped) console.log(`  decode: SKIPPED (${why})`);
    const d = await page.evaluate(
      ([inputs, times]) => window.trialbenchCodecs.rates(inputs, 512, times),
      [inputs, 30],
    );
    const table = {
      'native frame, plain copy': {
        'frames/s': (d.copyMbPerSecond / ((512 * 512 * 2) / 1e6)).toFixed(0),
        'MB/s': d.copyMbPerSecond.toFixed(0),
        'vs copy': '1',
        'encoded KB': '',
        check: '',
      },
    };
    for (const r of d.results) {
      if (r.error) {
        console.log(`  decode ${r.codec}: FAILED (${r.error})`);
        continue;
      }
      const vsCopy = r.mbPerSecond / d.copyMbPerSecond;
      table[r.codec] = {
        'frames/s': r.framesPerSecond.toFixed(0),
        'MB/s': r.mbPerSecond.toFixed(0),
        'vs copy': vsCopy.toFixed(4),
        'encoded KB': (r.encodedBytes / 1024).toFixed(0),
        check: r.check,
      };
      headline.push([`viewer-decode-${r.codec}`, r.framesPerSecond.toFixed(0), 'frames/s']);
      headline.push([`viewer-decode-${r.codec}-vs-copy`, vsCopy.toFixed(4), 'x']);
    }
    console.log("\nDecoding one 512x512 CT frame in the viewer's workers, per transfer syntax");
    console.table(table);
  }

  console.log('');
  for (const [name, value, unit] of headline) console.log(`bench ${name}: ${value} ${unit}`);
} finally {
  await browser.close();
  server.kill();
}
