// The CLI half of `npm run bench` (deid part): `trialbench deid` against GDCM's gdcmanon on
// the same generated 512x512 CT files, same run, warm page cache. Prints its ratio as
// `bench deid-cli-vs-gdcmanon: <x> x` (trialbench MB/s over gdcmanon MB/s); skipped, loudly,
// when gdcmanon is not installed. Beside it, `bench deid-cli-vs-io-floor: <x> x`: against a
// one-thread Node script doing only what every output needs whatever the de-identification
// (read, SHA-256, write a temporary, read back and compare, SHA-256, rename), so what the
// de-identification itself costs can be told from what the machine's I/O and hashing cost;
// and `bench deid-cli-io-floor-vs-gdcmanon: <x> x`: that floor on one thread per core against
// gdcmanon, the ceiling of any tool that hashes, writes and reads back every output here.
// Usage: node scripts/bench-deid-cli.js [files, default 400]
//   [--runs N] (default 3; the median counts: the machine is shared and noisy)
//   [--corpus DIR] (keep the generated files there and reuse them on the next call)
//   [--cpu-prof DIR] (one more CLI run under node --cpu-prof, main thread and output threads;
//   its self-time shares are printed, so a change can be judged by where the time went)
//   [--workers N] (the CLI's --workers)
//   [--baseline FILE] (an earlier build of dist-cli/main.js, copied aside: run in the same
//   rounds, alternately first and second, so a change is judged against it in one sitting)
// Beside the rounds it prints the fixed costs, timed apart: node's own start, the CLI's start
// (--help), and a run over one file with and without a worker thread.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Self time per function over every .cpuprofile in `dir`, as shares of the total. */
export function selfTimes(dir, top = 25) {
  const self = new Map();
  let total = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
    const prof = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const dt = prof.timeDeltas;
    for (let i = 0; i < prof.samples.length; i++) {
      const n = byId.get(prof.samples[i]);
      const f = n.callFrame;
      const file = f.url.split('/').pop();
      const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
      total += dt[i] ?? 0;
    }
  }
  return {
    totalMs: total / 1000,
    rows: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => ({
        fn: k,
        ms: (v / 1000).toFixed(0),
        share: ((100 * v) / total).toFixed(1) + '%',
      })),
  };
}

function corpusBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += statSync(join(e.parentPath ?? e.path, e.name)).size;
  return n;
}

async function generate(work, input, count) {
  // The generator is TypeScript in core: bundled for Node here, as the CLI is.
  const { build } = await import('vite');
  await build({
    root,
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    build: {
      ssr: join(root, 'src/core/demo/corpus.ts'),
      outDir: join(work, 'gen'),
      target: 'node20',
      rollupOptions: { output: { entryFileNames: 'corpus.js' } },
    },
  });
  const { syntheticCorpus } = await import(pathToFileURL(join(work, 'gen', 'corpus.js')).href);
  let bytes = 0;
  for (const f of syntheticCorpus({
    modality: 'CT',
    count,
    rows: 512,
    columns: 512,
    seed: 12,
    seriesSize: 100,
    phantom: false,
  })) {
    const p = join(input, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
    bytes += f.bytes.length;
  }
  return bytes;
}

/**
 * The floor: the I/O and hashing every output needs, whatever the de-identification, one
 * file at a time. With a third argument N > 0 the files are dealt round-robin to N worker
 * threads: the most this machine's cores give that work (the CLI's ceiling).
 */
const FLOOR_SCRIPT = `
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
const [input, output, threads = '0'] = process.argv.slice(2);
const copy = (files) => {
  for (const f of files) {
    const b = readFileSync(f);
    createHash('sha256').update(b).digest('hex');
    const out = join(output, relative(input, f));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out + '.tmp', b);
    if (!readFileSync(out + '.tmp').equals(b)) throw new Error('read-back differs');
    createHash('sha256').update(b).digest('hex');
    renameSync(out + '.tmp', out);
  }
};
if (!isMainThread) copy(workerData);
else {
  const files = readdirSync(input, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
  const n = Number(threads);
  if (n <= 0) copy(files);
  else
    await Promise.all(
      Array.from({ length: n }, (_, k) => new Promise((ok, no) =>
        new Worker(new URL(import.meta.url), {
          workerData: files.filter((_, i) => i % n === k),
          argv: process.argv.slice(2),
        }).on('error', no).on('exit', (c) => (c === 0 ? ok() : no(new Error('exit ' + c)))),
      )),
    );
}
`;

/**
 * What a run costs whatever its size, in CPU seconds (medians of 3): node's own start, the
 * CLI's (bundle loaded, --help), and a whole run over one file, with its one worker thread
 * (started, the bundle loaded again in it) and without.
 */
function fixedCosts(work, cli, input) {
  const one = join(work, 'one');
  rmSync(one, { recursive: true, force: true });
  mkdirSync(one);
  const first = readdirSync(input ?? join(work, 'in'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort()[0];
  writeFileSync(join(one, 'x.dcm'), readFileSync(first));
  const cpu = (args) => {
    const usage = join(work, 'fixed.txt');
    const t0 = performance.now();
    spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', usage, 'node', ...args], { stdio: 'ignore' });
    const wall = (performance.now() - t0) / 1000;
    const [u, s] = readFileSync(usage, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    return { cpu: u + s, wall };
  };
  const med = (f) => {
    const xs = [f(), f(), f()];
    const m = (k) => xs.map((x) => x[k]).sort((a, b) => a - b)[1];
    return { cpu: m('cpu'), wall: m('wall') };
  };
  const run1 = (workers) => () => {
    rmSync(join(work, 'one-out'), { recursive: true, force: true });
    rmSync(join(work, 'one-out.deid-key'), { force: true });
    return cpu([
      cli,
      'deid',
      one,
      join(work, 'one-out'),
      '--site-rule',
      '**=1',
      '--quiet',
      '--workers',
      workers,
    ]);
  };
  const withThread = med(run1('1'));
  const without = med(run1('0'));
  return {
    node: med(() => cpu(['-e', '0'])).cpu,
    help: med(() => cpu([cli, '--help'])).cpu,
    one: withThread.cpu,
    oneWall: withThread.wall,
    oneNoThread: without.cpu,
    oneNoThreadWall: without.wall,
  };
}

export async function benchDeidCli(count = 400, opts = {}) {
  if (!has('gdcmanon')) {
    console.log(
      'bench deid-cli-vs-gdcmanon: SKIPPED (gdcmanon is not installed: apt-get install libgdcm-tools)',
    );
    return null;
  }
  const work = mkdtempSync(join(tmpdir(), 'tb-bench-deid-cli-'));
  const input = opts.corpus ?? join(work, 'in');
  const runsWanted = opts.runs ?? 3;
  try {
    let bytes = 0;
    if (opts.corpus && existsSync(input) && readdirSync(input).length) bytes = corpusBytes(input);
    else bytes = await generate(work, input, count);
    execFileSync('sh', ['-c', `cat $(find "${input}" -type f) > /dev/null`]);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=bench',
        '-keyout',
        join(work, 'key.pem'),
        '-out',
        join(work, 'cert.pem'),
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    // Wall time is the figure; CPU time (user + system, all threads, from /usr/bin/time) is
    // printed beside it because it moves less when other work shares the machine.
    const timeTool = existsSync('/usr/bin/time');
    const time = (cmd, args) => {
      const usage = join(work, 'usage.txt');
      const t0 = performance.now();
      const r = timeTool
        ? spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', usage, cmd, ...args], {
            stdio: ['ignore', 'ignore', 'pipe'],
            encoding: 'utf8',
          })
        : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = timeTool
        ? readFileSync(usage, 'utf8')
            .trim()
            .split('\n')
            .pop()
            .split(' ')
            .reduce((n, x) => n + Number(x), 0)
        : NaN;
      return { seconds, cpu, status: r.status, stderr: r.stderr };
    };
    const cli = join(root, 'bin', 'trialbench.js');
    execFileSync('node', [cli, '--help'], { stdio: 'ignore' }); // build outside the timing
    // A baseline bundle runs through a runner of its own (bin/ would run dist-cli).
    const baseRunner = join(work, 'baseline.mjs');
    if (opts.baseline)
      writeFileSync(
        baseRunner,
        `const { main } = await import(${JSON.stringify(pathToFileURL(opts.baseline).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`,
      );
    const tbArgs = (out, entry = cli) => [
      entry,
      'deid',
      input,
      out,
      '--site-rule',
      '**=1',
      '--pass-burned-in',
      'bench',
      '--waive-facial-risk',
      'bench',
      '--quiet',
      ...(opts.workers !== undefined ? ['--workers', String(opts.workers)] : []),
    ];
    writeFileSync(join(work, 'floor.mjs'), FLOOR_SCRIPT);
    // Each tool's earlier output is removed just before it runs, not all at the start of a
    // round: this VM hands memory that stays free for a while back to its host, and a
    // tool writing into such memory ran up to 1.8 times slower (measured: whichever of
    // two builds ran second in a round was the slow one). Each tool thus writes into the
    // memory its own earlier output just gave up.
    const clear = (name) => {
      rmSync(join(work, name), { recursive: true, force: true });
      rmSync(join(work, `${name}.deid-key`), { force: true });
    };
    const fresh = () => ['floor', 'floorN', 'gdcm', 'tb', 'base'].forEach(clear);
    const cores = availableParallelism();
    const mb = bytes / 1e6;
    const runs = [];
    for (let i = 0; i < runsWanted; i++) {
      clear('gdcm');
      const g = time('gdcmanon', [
        '-e',
        '-c',
        join(work, 'cert.pem'),
        '--continue',
        '-r',
        '-i',
        input,
        '-o',
        join(work, 'gdcm'),
      ]);
      // gdcmanon with --continue exits 0 even when it wrote nothing: count what it wrote.
      const gdcmFiles = existsSync(join(work, 'gdcm'))
        ? readdirSync(join(work, 'gdcm'), { recursive: true, withFileTypes: true }).filter((e) =>
            e.isFile(),
          ).length
        : 0;
      // The baseline, if any, goes first in every other round: neither always gets the
      // page cache and the free memory the other left.
      const base = () => {
        clear('base');
        const b = time('node', tbArgs(join(work, 'base'), baseRunner));
        if (b.status !== 0) throw new Error(`the baseline exited ${b.status}: ${b.stderr}`);
        return b;
      };
      const b0 = opts.baseline && i % 2 === 1 ? base() : null;
      clear('tb');
      const t = time('node', tbArgs(join(work, 'tb')));
      if (t.status !== 0) throw new Error(`trialbench deid exited ${t.status}: ${t.stderr}`);
      const b = b0 ?? (opts.baseline ? base() : null);
      clear('floor');
      const f = time('node', [join(work, 'floor.mjs'), input, join(work, 'floor')]);
      if (f.status !== 0) throw new Error(`the I/O floor script exited ${f.status}: ${f.stderr}`);
      clear('floorN');
      const fN = time('node', [
        join(work, 'floor.mjs'),
        input,
        join(work, 'floorN'),
        String(cores),
      ]);
      if (fN.status !== 0)
        throw new Error(`the threaded I/O floor script exited ${fN.status}: ${fN.stderr}`);
      runs.push({
        gdcm: g.seconds,
        tb: t.seconds,
        gdcmCpu: g.cpu,
        tbCpu: t.cpu,
        floor: f.seconds,
        floorN: fN.seconds,
        ...(b ? { base: b.seconds, baseCpu: b.cpu } : {}),
      });
      if (opts.verbose)
        console.log(
          `run ${i + 1}: trialbench ${t.seconds.toFixed(2)} s (${(mb / t.seconds).toFixed(0)} MB/s, CPU ${t.cpu.toFixed(2)} s), gdcmanon ${g.seconds.toFixed(2)} s (${(mb / g.seconds).toFixed(0)} MB/s, CPU ${g.cpu.toFixed(2)} s, ${gdcmFiles} files written), I/O floor ${f.seconds.toFixed(2)} s (CPU ${f.cpu.toFixed(2)} s), on ${cores} threads ${fN.seconds.toFixed(2)} s (CPU ${fN.cpu.toFixed(2)} s), ratio ${(g.seconds / t.seconds).toFixed(2)}${b ? `; baseline ${b.seconds.toFixed(2)} s (CPU ${b.cpu.toFixed(2)} s, ratio ${(g.seconds / b.seconds).toFixed(2)})${i % 2 ? ', ran first' : ''}` : ''}`,
        );
    }
    if (opts.cpuProf) {
      rmSync(opts.cpuProf, { recursive: true, force: true });
      fresh();
      const r = spawnSync(
        'node',
        ['--cpu-prof', '--cpu-prof-dir', opts.cpuProf, ...tbArgs(join(work, 'tb'))],
        { stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } },
      );
      if (r.status !== 0) throw new Error(`trialbench deid --cpu-prof exited ${r.status}`);
      const p = selfTimes(opts.cpuProf);
      console.log(`\nSelf time under --cpu-prof, all threads: ${p.totalMs.toFixed(0)} ms`);
      console.table(p.rows);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const fixed = fixedCosts(work, cli, opts.corpus ? input : null);
    console.log(
      `\nFixed costs (CPU, medians of 3): node start ${fixed.node.toFixed(2)} s, CLI start (--help) ${fixed.help.toFixed(2)} s, a 1-file run ${fixed.one.toFixed(2)} s with one thread and ${fixed.oneNoThread.toFixed(2)} s without (wall ${fixed.oneWall.toFixed(2)} s and ${fixed.oneNoThreadWall.toFixed(2)} s)`,
    );
    const g = median(runs.map((r) => r.gdcm));
    const t = median(runs.map((r) => r.tb));
    const gc = median(runs.map((r) => r.gdcmCpu));
    const tc = median(runs.map((r) => r.tbCpu));
    const f = median(runs.map((r) => r.floor));
    const fN = median(runs.map((r) => r.floorN));
    // Per round, then the median: the floor and gdcmanon ran side by side in each round.
    const ceilings = runs.map((r) => r.gdcm / r.floorN);
    const ceiling = median(ceilings);
    console.log(
      `\nDe-identification CLI: ${count} CT 512x512 files, ${mb.toFixed(0)} MB; medians of ${runs.length}: trialbench ${t.toFixed(2)} s (${(mb / t).toFixed(0)} MB/s, process start included), gdcmanon basic profile ${g.toFixed(2)} s (${(mb / g).toFixed(0)} MB/s); CPU time trialbench ${tc.toFixed(2)} s, gdcmanon ${gc.toFixed(2)} s (ratio ${(gc / tc).toFixed(2)}); I/O floor (read, hash, write, read back, hash, rename; one thread) ${f.toFixed(2)} s (${(mb / f).toFixed(0)} MB/s), on ${cores} threads ${fN.toFixed(2)} s (${(mb / fN).toFixed(0)} MB/s, ${ceiling.toFixed(2)}x gdcmanon, per round ${Math.min(...ceilings).toFixed(2)}-${Math.max(...ceilings).toFixed(2)}: the most any tool doing that I/O and hashing could reach here)`,
    );
    if (opts.baseline) {
      const bw = median(runs.map((r) => r.base));
      const bc = median(runs.map((r) => r.baseCpu));
      console.log(
        `Baseline ${opts.baseline}: ${bw.toFixed(2)} s (${(mb / bw).toFixed(0)} MB/s, CPU ${bc.toFixed(2)} s), ${(g / bw).toFixed(2)}x gdcmanon; this build ${t.toFixed(2)} s (CPU ${tc.toFixed(2)} s), ${(g / t).toFixed(2)}x gdcmanon`,
      );
    }
    return { vsGdcmanon: g / t, vsFloor: f / t, floorVsGdcmanon: ceiling };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      corpus: { type: 'string' },
      'cpu-prof': { type: 'string' },
      workers: { type: 'string' },
      baseline: { type: 'string' },
    },
  });
  const n = Number(positionals[0] ?? 400);
  const x = await benchDeidCli(n, {
    verbose: true,
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values.corpus ? { corpus: values.corpus } : {}),
    ...(values['cpu-prof'] ? { cpuProf: values['cpu-prof'] } : {}),
    ...(values.workers ? { workers: Number(values.workers) } : {}),
    ...(values.baseline ? { baseline: values.baseline } : {}),
  });
  if (x !== null) {
    console.log(`bench deid-cli-vs-gdcmanon: ${x.vsGdcmanon.toFixed(2)} x`);
    console.log(`bench deid-cli-vs-io-floor: ${x.vsFloor.toFixed(2)} x`);
    console.log(`bench deid-cli-io-floor-vs-gdcmanon: ${x.floorVsGdcmanon.toFixed(2)} x`);
  }
}
