// The CLI half of `npm run bench` (deid part): `trialbench deid` against GDCM's gdcmanon on
// the same generated 512x512 CT files, same run, warm page cache. Prints its ratio as
// `bench deid-cli-vs-gdcmanon: <x> x` (trialbench MB/s over gdcmanon MB/s); skipped, loudly,
// when gdcmanon is not installed. Usage: node scripts/bench-deid-cli.js [files, default 400]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

export async function benchDeidCli(count = 400) {
  if (!has('gdcmanon')) {
    console.log(
      'bench deid-cli-vs-gdcmanon: SKIPPED (gdcmanon is not installed: apt-get install libgdcm-tools)',
    );
    return null;
  }
  const work = mkdtempSync(join(tmpdir(), 'tb-bench-deid-cli-'));
  try {
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
    const input = join(work, 'in');
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
    const time = (cmd, args) => {
      const t0 = performance.now();
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      return { seconds: (performance.now() - t0) / 1000, status: r.status, stderr: r.stderr };
    };
    const cli = join(root, 'bin', 'trialbench.js');
    execFileSync('node', [cli, '--help'], { stdio: 'ignore' }); // build outside the timing
    const runs = [];
    for (let i = 0; i < 3; i++) {
      rmSync(join(work, 'gdcm'), { recursive: true, force: true });
      rmSync(join(work, 'tb'), { recursive: true, force: true });
      rmSync(join(work, 'tb.deid-key'), { force: true });
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
      const t = time('node', [
        cli,
        'deid',
        input,
        join(work, 'tb'),
        '--site-rule',
        '**=1',
        '--pass-burned-in',
        'bench',
        '--waive-facial-risk',
        'bench',
        '--quiet',
      ]);
      if (t.status !== 0) throw new Error(`trialbench deid exited ${t.status}: ${t.stderr}`);
      runs.push({ gdcm: g.seconds, tb: t.seconds });
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const g = median(runs.map((r) => r.gdcm));
    const t = median(runs.map((r) => r.tb));
    const mb = bytes / 1e6;
    console.log(
      `\nDe-identification CLI: ${count} CT 512x512 files, ${mb.toFixed(0)} MB; medians of 3: trialbench ${t.toFixed(2)} s (${(mb / t).toFixed(0)} MB/s, process start included), gdcmanon basic profile ${g.toFixed(2)} s (${(mb / g).toFixed(0)} MB/s)`,
    );
    return g / t;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 400);
  const x = await benchDeidCli(n);
  if (x !== null) console.log(`bench deid-cli-vs-gdcmanon: ${x.toFixed(2)} x`);
}
