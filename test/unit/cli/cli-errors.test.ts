// How `trialbench` ends (DEID-87): --help exits 0; every error is one line that says what
// to do, with its own exit code: usage, a full disk (a byte budget in-process, and for
// real a file-size limit), a closed stdout, a kill during the first-use build; and the
// packed CLI runs with no dependency installed at all.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  cpSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { run } from '../../../src/cli/deid';
import { listFiles } from '../../../src/cli/deid-fs';
import { Out } from '../../../src/cli/out';
import { EXIT } from '../../../src/cli/exit';
import { limitedFs } from '../deid/run/memory-io';
import { writeCorpus } from './deid-corpus';

const root = join(import.meta.dirname, '..', '..', '..');
const corpus = writeCorpus({
  sites: 1,
  subjectsPerSite: 1,
  visits: 1,
  ctSlices: 3,
  mrSlices: 2,
  petSlices: 0,
  rows: 32,
  columns: 32,
});
const keyFile = join(corpus.root, 'k.key');
writeFileSync(keyFile, new Uint8Array(32).fill(4));
const SITE = ['--site-rule', '**=101', '--waive-facial-risk', 'generated', '--key', keyFile];

async function cli(args: string[], fs?: ReturnType<typeof limitedFs>) {
  const out: string[] = [];
  const err: string[] = [];
  const o = new Out(
    'trialbench deid',
    { write: (s) => (out.push(s), true) },
    { write: (s) => (err.push(s), true) },
  );
  const code = await run(args, { out: o, ...(fs ? { fs } : {}) });
  return { code, out: out.join(''), err: err.join('') };
}

const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  expect(s).not.toMatch(/\n\s+at /);
};

describe('usage errors: one line, exit 2', () => {
  test('--help exits 0 and documents the exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/exit codes:\n {2}0 {2}clean/);
    expect(r.out).toMatch(/3 {2}the output disk is full/);
  });

  test('a missing --key file, an unknown option, a bad rule, the old --trial siteId', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        [corpus.input, join(corpus.root, 'o1'), '--key', '/nonexistent/key'],
        /no such file; give the key file/,
      ],
      [
        [corpus.input, join(corpus.root, 'o2'), '--frobnicate'],
        /Unknown option '--frobnicate'.*--help/,
      ],
      [[corpus.input, join(corpus.root, 'o3'), '--site-rule', 'nosite'], /folderGlob=SITE/],
      [[corpus.input, join(corpus.root, 'o4'), '--trial', 'siteId=1'], /--site-rule/],
      [[corpus.input], /need exactly <in> and <out>/],
      [
        [corpus.input, join(corpus.root, 'o5'), '--mapping', '/nonexistent.csv'],
        /--mapping .*no such file/,
      ],
      [[corpus.input, join(corpus.root, 'o6'), '--limit', 'x'], /--limit needs a whole number/],
    ];
    for (const [args, want] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.err, args.join(' ')).toMatch(want);
      oneLine(r.err);
    }
  });
});

describe('a full disk', () => {
  test('in-process, a byte budget: exit 3, one line, a record saying so, no temporary; a rerun completes', async () => {
    const out = join(corpus.root, 'full');
    const r = await cli([corpus.input, out, ...SITE, '--quiet'], limitedFs(8_000));
    expect(r.code).toBe(EXIT.diskFull);
    expect(r.err).toMatch(/output disk is full: free space, then run the same command again/);
    oneLine(r.err);
    expect(listFiles(out).filter((p) => /\.tmp/.test(p))).toEqual([]);
    const again = await cli([corpus.input, out, ...SITE, '--quiet']);
    expect(again.code).toBe(EXIT.clean);
    const record = JSON.parse(readFileSync(join(out, 'DEIDENTIFICATION.json'), 'utf8'));
    expect(record.counts.inputs).toBe(
      record.counts.written + record.counts.skipped + (record.counts.duplicate ?? 0),
    );
  });
});

describe('the built command line', () => {
  beforeAll(() => {
    // Build once, here, so the subprocesses below do not race to build it.
    const b = spawnSync('node', ['scripts/build-cli.js'], { cwd: root, encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
  }, 120_000);

  const bin = join(root, 'bin', 'trialbench.js');

  test('trialbench --help exits 0', () => {
    const r = spawnSync('node', [bin, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: trialbench <command>/);
  });

  test('a real file-size limit (ulimit -f): exit 3 and one line', () => {
    const out = join(corpus.root, 'ulimit');
    const r = spawnSync(
      'bash',
      [
        '-c',
        `ulimit -f 1; exec node "${bin}" deid "${corpus.input}" "${out}" ${SITE.map((a) => `'${a}'`).join(' ')} --quiet`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(EXIT.diskFull);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/larger than the output file system allows|disk is full/);
    expect(listFiles(out).filter((p) => /\.tmp/.test(p))).toEqual([]);
  });

  test('stdout closed under it (| head -1): exit 6, one line, the run finished', async () => {
    const out = join(corpus.root, 'epipe');
    // No --key: the first line (the key created) comes before the run, the rest after it.
    const child = spawn('node', [bin, 'deid', corpus.input, out, ...SITE.slice(0, 4)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Read the first line, then close the pipe, as head -1 does.
    await new Promise<void>((done) => {
      child.stdout.once('data', () => {
        child.stdout.destroy();
        done();
      });
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(code, err).toBe(EXIT.stdoutClosed);
    oneLine(err);
    expect(err).toMatch(/standard output was closed/);
    expect(existsSync(join(out, 'DEIDENTIFICATION.md'))).toBe(true);
  });

  test('a kill during the first-use build leaves nothing broken: the next run builds and works', async () => {
    // A checkout of its own (sources and modules linked), with no bundle yet.
    const co = mkdtempSync(join(tmpdir(), 'tb-cli-kill-'));
    for (const d of ['src', 'node_modules']) symlinkSync(join(root, d), join(co, d));
    cpSync(join(root, 'bin'), join(co, 'bin'), { recursive: true });
    cpSync(join(root, 'scripts'), join(co, 'scripts'), { recursive: true });
    writeFileSync(join(co, 'package.json'), readFileSync(join(root, 'package.json')));
    const child = spawn('node', [join(co, 'bin', 'trialbench.js'), '--help'], { stdio: 'ignore' });
    // Wait for the build to have started (its temporary folder), then kill it.
    await new Promise<void>((done, fail) => {
      const look = () => {
        if (readdirSync(co).some((n) => n.startsWith('.dist-cli-tmp-'))) return done();
        if (child.exitCode !== null) return fail(new Error('the build finished before the kill'));
        setImmediate(look);
      };
      look();
    });
    child.kill('SIGKILL');
    await new Promise((done) => child.on('close', done));
    expect(existsSync(join(co, 'dist-cli', 'main.js'))).toBe(false);
    const again = spawnSync('node', [join(co, 'bin', 'trialbench.js'), '--help'], {
      encoding: 'utf8',
    });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/usage: trialbench/);
    expect(readdirSync(co).filter((n) => n.startsWith('.dist-cli-tmp-'))).toEqual([]);
  }, 120_000);

  test('the packed package runs with no dependency installed (npm ci --omit=dev and less)', () => {
    const dest = mkdtempSync(join(tmpdir(), 'tb-pack-'));
    const p = spawnSync(
      'npm',
      ['pack', '--pack-destination', dest, '--ignore-scripts', '--silent'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(p.status, p.stderr).toBe(0);
    const tgz = readdirSync(dest).find((n) => n.endsWith('.tgz'))!;
    const x = spawnSync('tar', ['xzf', tgz], { cwd: dest });
    expect(x.status).toBe(0);
    const pkg = join(dest, 'package');
    expect(existsSync(join(pkg, 'node_modules'))).toBe(false);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    const help = spawnSync('node', [join(pkg, 'bin', 'trialbench.js'), '--help'], {
      encoding: 'utf8',
    });
    expect(help.status, help.stderr).toBe(0);
    const out = join(dest, 'out');
    mkdirSync(out);
    const d = spawnSync(
      'node',
      [join(pkg, 'bin', 'trialbench.js'), 'deid', corpus.input, out, ...SITE, '--quiet'],
      { encoding: 'utf8' },
    );
    expect(d.status, d.stderr).toBe(EXIT.clean);
    expect(readFileSync(join(out, 'DEIDENTIFICATION.md'), 'utf8')).toMatch(/Written: [1-9]/);
  }, 120_000);
});
