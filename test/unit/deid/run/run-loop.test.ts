// One suite for the one run loop (DEID-80..87), run against each shell's I/O: the CLI's
// Node file system adapters, plain in-memory maps, and the worker's shell over in-memory
// folder handles (the browser runs that same shell in e2e).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoArchive } from '../../../../src/core/demo/archive';
import { basicProfile } from '../../../../src/core/deid/profile';
import {
  parseSubjectMapping,
  parseVisitMapping,
  runLoop,
  type RunIo,
  type RunJob,
  type RunProgress,
  type RunSummary,
  CANCELLED,
} from '../../../../src/core/deid/run';
import { listFiles } from '../../../../src/cli/deid-fs';
import { writePart10 } from '../../../../src/core/dicom/writer';
import { parseDicomBytes } from '../../../../src/core/dicom/file';
import { collectIdentifiers } from '../../../../src/core/deid/run/leak';
import { runDeid } from '../../../../workers/deid-run';
import { OutputStage } from '../../../../workers/deid-output';
import { asHandle, MemDir } from '../../deid-worker/memory-fs';
import { limitedFs, MemDisk, memoryIo, nodeIo, sha, writeTree } from './memory-io';

const corpus = new Map<string, Uint8Array>();
for (const f of demoArchive({
  sites: 2,
  subjectsPerSite: 1,
  visits: 1,
  ctSlices: 2,
  mrSlices: 2,
  petSlices: 0,
  rows: 16,
  columns: 16,
  deviations: false,
}))
  corpus.set(f.path, f.bytes);
const sites = [...new Set([...corpus.keys()].map((p) => p.split('/')[0]!))];

function job(more: Partial<RunJob> = {}): RunJob {
  const profile = basicProfile('test');
  profile.options.rtnLongModifDatesOpt = true;
  return {
    tool: 'test',
    profile,
    key: new Uint8Array(32).fill(7),
    trial: {},
    siteRules: sites.map((s, i) => ({ glob: `${s}/**`, site: `S${i + 1}` })),
    passBurnedIn: 'generated',
    waiveFacialRisk: 'generated',
    runBy: 'tester',
    ...more,
  };
}

/** What the app's shell passes in too: a progress listener and a Cancel. */
interface Hooks {
  onProgress?: (p: RunProgress) => void;
  cancel?: { readonly aborted: boolean };
}

const hooked = (io: RunIo, h: Hooks = {}): RunIo => ({
  ...io,
  // A clock that moves a second a call, so no progress event is held back as too soon.
  ...(h.onProgress
    ? {
        onProgress: h.onProgress,
        clock: (
          (t) => () =>
            (t += 1000)
        )(0),
      }
    : {}),
  ...(h.cancel ? { cancel: h.cancel } : {}),
});

/** A shell: runs a job into a named output, and shows that output's files. */
interface Shell {
  name: string;
  run(
    input: Map<string, Uint8Array>,
    out: string,
    j: RunJob,
    wrap?: (io: RunIo) => RunIo,
    hooks?: Hooks,
  ): Promise<RunSummary>;
  files(out: string): Map<string, Uint8Array>;
  /** Puts a file into an output before a run (a stray file, a planted one). */
  plant(out: string, path: string, bytes: Uint8Array): Promise<void>;
  wraps: boolean;
}

function memoryShell(): Shell {
  const disks = new Map<string, MemDisk>();
  const disk = (o: string) => disks.get(o) ?? (disks.set(o, new MemDisk()), disks.get(o)!);
  return {
    name: 'memory',
    wraps: true,
    run: (input, out, j, wrap = (x) => x, h) =>
      runLoop(j, wrap(hooked(memoryIo(input, disk(out)), h))),
    files: (out) => new Map(disk(out).files),
    plant: async (out, p, b) => void disk(out).files.set(p, b),
  };
}

function nodeShell(): Shell {
  const roots = new Map<Map<string, Uint8Array>, string>();
  let root = '';
  const inputDir = (input: Map<string, Uint8Array>) => {
    if (!roots.has(input)) roots.set(input, writeTree(input));
    root = roots.get(input)!;
    return join(root, 'in');
  };
  inputDir(corpus);
  const outDir = (o: string) => join(root, `out-${o}`);
  return {
    name: 'node fs',
    wraps: true,
    run: (input, out, j, wrap = (x) => x, h) => {
      const i = inputDir(input);
      return runLoop(j, wrap(hooked(nodeIo(i, outDir(out)), h)));
    },
    files: (out) => {
      const d = outDir(out);
      return new Map(
        existsSync(d) ? listFiles(d).map((p) => [p, new Uint8Array(readFileSync(join(d, p)))]) : [],
      );
    },
    plant: async (out, p, b) => {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { dirname } = await import('node:path');
      mkdirSync(dirname(join(outDir(out), p)), { recursive: true });
      writeFileSync(join(outDir(out), p), b);
    },
  };
}

function workerShell(): Shell {
  const inputs = new Map<Map<string, Uint8Array>, MemDir>();
  const outs = new Map<string, MemDir>();
  const outDir = (o: string) => outs.get(o) ?? (outs.set(o, new MemDir(o)), outs.get(o)!);
  return {
    name: 'worker shell',
    wraps: false,
    run: async (input, out, j, _wrap, h = {}) => {
      let dir = inputs.get(input);
      if (!dir) {
        dir = new MemDir('in');
        for (const [p, b] of input) await dir.put(p, b);
        inputs.set(input, dir);
      }
      const { tool: _t, ...settings } = j;
      const o = outDir(out);
      const r = await runDeid(
        { ...settings, input: asHandle(dir), output: asHandle(o) },
        h.onProgress ?? (() => undefined),
        [new OutputStage(asHandle(o))],
        h.cancel,
      );
      if (!r.ok) throw new Error(`refused: ${r.code}`);
      return r.value;
    },
    files: (out) => outDir(out).files(),
    plant: (out, p, b) => outDir(out).put(p, b),
  };
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const dcm = (m: Map<string, Uint8Array>) => [...m.keys()].filter((p) => p.endsWith('.dcm')).sort();

function accounted(s: RunSummary): void {
  const c = s.record.counts;
  const held = Object.values(c.held).reduce((n, v) => n + (v ?? 0), 0);
  expect(c.written + held + c.skipped + (c.duplicate ?? 0) + (c.notReached ?? 0)).toBe(c.inputs);
}

for (const make of [memoryShell, nodeShell, workerShell]) {
  const shell = make();
  describe(`run loop (${shell.name})`, () => {
    it('DEID-84 counts every input once; a duplicate names its output, not its source', async () => {
      const input = new Map(corpus);
      const [first] = [...corpus.keys()].filter((p) => p.endsWith('.dcm'));
      input.set(`${sites[0]}/zz-copy/dup.dcm`, corpus.get(first!)!);
      const r = await shell.run(input, 'dup', job());
      accounted(r);
      expect(r.record.counts.inputs).toBe(input.size);
      expect(r.record.counts.duplicate).toBe(1);
      const d = r.record.duplicates?.[0];
      expect(d?.of).toMatch(/^S\d\/.*\.dcm$/);
      expect(r.duplicates[0]?.path).toBe(`${sites[0]}/zz-copy/dup.dcm`);
      const docs = text(shell.files('dup').get('DEIDENTIFICATION.md'));
      expect(docs).toContain(`duplicate of ${d?.of}`);
      expect(docs).not.toContain('zz-copy');
      expect(docs).toMatch(/Inputs: \d+ \(each counted once above\)/);
    });

    it('DEID-81 gives each file its site from the rules; no rule, no site: held with the reason', async () => {
      const r = await shell.run(corpus, 'sites', job());
      const paths = dcm(shell.files('sites'));
      expect(new Set(paths.map((p) => p.split('/')[0]))).toEqual(new Set(['S1', 'S2']));
      const none = await shell.run(corpus, 'nosite', job({ siteRules: [] }));
      expect(none.record.counts.written).toBe(0);
      expect(none.record.counts.held.site).toBe(r.record.counts.written);
      expect(none.held[0]?.reasons[0]).toMatch(/no site for this file: set a folder-to-site rule/);
      accounted(none);
      // The mapping's site column places the patient where no rule does.
      const pids = new Map<string, string>();
      for (const [p, b] of corpus) {
        const d = parseDicomBytes(b);
        if (d.kind !== 'parsed') continue;
        const el = d.dicom.dataset.byTag.get(0x00100020);
        if (el)
          pids.set(
            text(d.dicom.datasetBytes.subarray(el.valueOffset, el.valueOffset + el.length)).trim(),
            p.split('/')[0]!,
          );
      }
      const rows = [...pids].map(([pid, s], i) => `M${sites.indexOf(s) + 1},"${pid}",SUBJ-${i}`);
      const mapping = parseSubjectMapping(`site,patient_id,subject_id\n${rows.join('\n')}\n`);
      const mapped = await shell.run(corpus, 'mapped', job({ siteRules: [], mapping }));
      expect(mapped.record.counts.held.site ?? 0).toBe(0);
      expect(new Set(dcm(shell.files('mapped')).map((p) => p.split('/')[0]))).toEqual(
        new Set(['M1', 'M2']),
      );
    });

    it('DEID-86 reuses an output only under the same settings: each setting that changes output redoes it', async () => {
      const base = await shell.run(corpus, 'key', job({ pseudonymPrefix: 'AA-' }));
      const n = base.record.counts.written;
      expect(n).toBeGreaterThan(4);
      expect(dcm(shell.files('key')).every((p) => /\/AA-/.test(p))).toBe(true);
      const same = await shell.run(corpus, 'key', job({ pseudonymPrefix: 'AA-' }));
      expect(same.record.counts.alreadyPresent).toBe(n);
      const bb = await shell.run(corpus, 'key', job({ pseudonymPrefix: 'BB-' }));
      expect(bb.record.counts.alreadyPresent).toBe(0);
      expect(
        JSON.parse(text(shell.files('key').get('manifest.json'))).files.every(
          (f: { path: string }) => /\/BB-/.test(f.path),
        ),
      ).toBe(true);
      const profile = basicProfile('other');
      const changes: Array<[string, Partial<RunJob>]> = [
        ['key', { key: new Uint8Array(32).fill(8) }],
        ['profile', { profile }],
        ['trial attributes', { trial: { sponsorName: 'ACME' } }],
        ['site rules', { siteRules: sites.map((s) => ({ glob: `${s}/**`, site: `X-${s}` })) }],
        [
          'subject mapping',
          { mapping: parseSubjectMapping('site,patient_id,subject_id\nS1,x,y\n') },
        ],
        [
          'visit rules',
          { visits: parseVisitMapping('patient_id,study_date,visit\nx,20200101,V\n').rules },
        ],
        ['review answers', { review: [['1.2.3', {}]] }],
        ['burned-in pass', { passBurnedIn: 'another reason' }],
        ['masking', { maskBurnedIn: true, passBurnedIn: undefined }],
        ['facial waiver', { waiveFacialRisk: 'another reason' }],
        ['defacing attestation', { attestDefaced: 'tool 1', waiveFacialRisk: undefined }],
        ['series sizes', { seriesSizes: [['1.2.3', 200]] }],
      ];
      for (const [what, change] of changes) {
        const r = await shell.run(corpus, `k-${what}`, job({ pseudonymPrefix: 'BB-' }));
        expect(r.record.counts.alreadyPresent, what).toBe(0);
        const again = await shell.run(
          corpus,
          `k-${what}`,
          job({ pseudonymPrefix: 'BB-', ...change }),
        );
        expect(again.record.counts.alreadyPresent, what).toBe(0);
      }
    });

    it('DEID-80 the journal and documents carry no source text; reasons are closed sentences', async () => {
      // A head MR whose description names a person: its reason must not reach the output.
      const named = writePart10([
        { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
        { tag: 0x00080018, vr: 'UI', value: '1.2.3.9.1' },
        { tag: 0x00080060, vr: 'CS', value: 'MR' },
        { tag: 0x00081030, vr: 'LO', value: 'BRAIN for Quixote Alonso' },
        { tag: 0x0008103e, vr: 'LO', value: 'MRN 4451239 head' },
        { tag: 0x00100010, vr: 'PN', value: 'Quixote^Alonso' },
        { tag: 0x00100020, vr: 'LO', value: 'PID-4451239' },
        { tag: 0x0020000d, vr: 'UI', value: '1.2.3.9' },
        { tag: 0x0020000e, vr: 'UI', value: '1.2.3.9.2' },
        { tag: 0x00280010, vr: 'US', value: 4 },
        { tag: 0x00280011, vr: 'US', value: 4 },
        { tag: 0x00280100, vr: 'US', value: 16 },
        { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(32) },
      ]);
      const input = new Map([['S/a.dcm', named]]);
      const r = await shell.run(input, 'redact', job({ siteRules: [{ glob: '**', site: 'S1' }] }));
      expect(r.record.counts.written).toBe(1);
      const files = shell.files('redact');
      const out = [...files]
        .filter(([p]) => !p.endsWith('.dcm'))
        .map(([, b]) => text(b).toLowerCase())
        .join('\n');
      expect(out).toMatch(/description or protocol name names the head or neck/);
      for (const v of ['quixote', 'alonso', '4451239', 'brain for', 's/a.dcm'])
        expect(out, v).not.toContain(v);
      expect(r.folderLeaks).toEqual([]);
    });

    it('DEID-82 a file without a study or series UID, or with an unknown transfer syntax, is held', async () => {
      const noSeries = writePart10([
        { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
        { tag: 0x00080018, vr: 'UI', value: '1.2.3.7.1' },
        { tag: 0x00100020, vr: 'LO', value: 'P1' },
        { tag: 0x0020000d, vr: 'UI', value: '1.2.3.7' },
      ]);
      const unknownTs = writePart10(
        [
          { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
          { tag: 0x00080018, vr: 'UI', value: '1.2.3.8.1' },
          { tag: 0x00100020, vr: 'LO', value: 'P1' },
          { tag: 0x0020000d, vr: 'UI', value: '1.2.3.8' },
          { tag: 0x0020000e, vr: 'UI', value: '1.2.3.8.2' },
        ],
        { transferSyntaxUid: '1.2.3.4.5.6.7' },
      );
      const input = new Map([
        ['x/no-series.dcm', noSeries],
        ['x/unknown.dcm', unknownTs],
      ]);
      const r = await shell.run(input, 'uids', job({ siteRules: [{ glob: '**', site: 'S1' }] }));
      expect(r.record.counts.written).toBe(0);
      accounted(r);
      const reasons =
        r.held.flatMap((h) => h.reasons).join('\n') + r.skipped.map((s) => s.reason).join('\n');
      expect(reasons).toMatch(/no SeriesInstanceUID/);
      expect(reasons).toMatch(/transfer syntax|unsupported-transfer-syntax/);
    });

    it('DEID-91 progress events carry the files done, held so far and bytes read', async () => {
      const events: RunProgress[] = [];
      // Held: one site has no rule, so its files are held back as they come.
      const r = await shell.run(
        corpus,
        'progress',
        job({ siteRules: [{ glob: `${sites[0]}/**`, site: 'S1' }] }),
        undefined,
        { onProgress: (p) => events.push({ ...p }) },
      );
      const held = Object.values(r.record.counts.held).reduce((n, v) => n + (v ?? 0), 0);
      expect(held).toBeGreaterThan(0);
      const sizes = [...corpus.values()].reduce((n, b) => n + b.length, 0);
      const last = events.at(-1)!;
      expect(last).toEqual({
        done: corpus.size,
        total: corpus.size,
        held,
        bytesRead: r.bytesIn,
        bytesTotal: sizes,
      });
      expect(r.bytesIn).toBe(sizes);
      for (const [i, e] of events.entries()) {
        expect(e.total).toBe(corpus.size);
        expect(e.bytesTotal).toBe(sizes);
        if (i === 0) continue;
        const before = events[i - 1]!;
        expect(e.done).toBeGreaterThanOrEqual(before.done);
        expect(e.held).toBeGreaterThanOrEqual(before.held);
        expect(e.bytesRead).toBeGreaterThanOrEqual(before.bytesRead);
      }
      if (shell.wraps) {
        // With a clock that moves, every file reports: held grows while the run goes.
        const mid = events.filter((e) => e.done > 0 && e.done < corpus.size);
        expect(mid.some((e) => e.held > 0 && e.bytesRead > 0 && e.bytesRead < sizes)).toBe(true);
      }
    });

    it('DEID-91 Cancel stops between files: kept, recorded as interrupted, every input counted once', async () => {
      let asked = 0;
      const cancel = {
        get aborted() {
          return ++asked > 3;
        },
      };
      const r = await shell.run(corpus, 'cancel', job(), undefined, { cancel });
      expect(r.stopped).toEqual({ code: 'interrupted', sentence: CANCELLED.sentence });
      accounted(r);
      const c = r.record.counts;
      expect(c.notReached).toBe(corpus.size - 3);
      expect(r.recordWritten).toBe(true);
      const files = shell.files('cancel');
      const manifest = JSON.parse(text(files.get('manifest.json'))) as {
        complete?: boolean;
        stopped?: { code: string; sentence: string; inputs: number; notReached: number };
        files: Array<{ path: string; sha256: string }>;
      };
      expect(manifest.complete).toBe(false);
      expect(manifest.stopped).toEqual({
        code: 'interrupted',
        sentence: CANCELLED.sentence,
        inputs: corpus.size,
        notReached: corpus.size - 3,
      });
      // What was written stays valid: every output is in the manifest with its hash.
      expect(manifest.files.map((f) => f.path).sort()).toEqual(dcm(files));
      expect(manifest.files.length).toBe(c.written);
      for (const f of manifest.files) expect(sha(files.get(f.path)!)).toBe(f.sha256);
      const record = JSON.parse(text(files.get('DEIDENTIFICATION.json'))) as {
        stopped?: { code: string };
        counts: { notReached: number; inputs: number };
      };
      expect(record.stopped?.code).toBe('interrupted');
      expect(record.counts).toMatchObject({ notReached: corpus.size - 3, inputs: corpus.size });
      expect(text(files.get('DEIDENTIFICATION.md'))).toContain(
        `STOPPED before the end: ${CANCELLED.sentence} (interrupted); ${corpus.size - 3} of ${corpus.size} input(s) not processed`,
      );
      expect([...files.keys()].filter((p) => /\.tmp/.test(p))).toEqual([]);
      // Run again with the same settings: it resumes and finishes, the manifest complete.
      const again = await shell.run(corpus, 'cancel', job());
      expect(again.stopped).toBeUndefined();
      expect(again.record.counts.alreadyPresent).toBe(c.written);
      const whole = JSON.parse(text(shell.files('cancel').get('manifest.json'))) as object;
      expect(whole).not.toHaveProperty('stopped');
      expect(whole).not.toHaveProperty('complete');
    });

    if (shell.wraps) {
      it('DEID-80 the whole-folder check finds a planted identifier in each kind of file and removes it', async () => {
        // An identifier of the corpus, to plant: its longest name part.
        const ids = [...corpus.values()].flatMap((b) => {
          const p = parseDicomBytes(b);
          return p.kind === 'parsed' ? collectIdentifiers(p.dicom, basicProfile()) : [];
        });
        const patient = ids
          .filter((i) => i.from === 'PatientName' && /^[A-Za-z]+$/.test(i.value))
          .sort((a, b) => b.value.length - a.value.length)[0]!.value;
        expect(patient.length).toBeGreaterThanOrEqual(4);
        const plantInto =
          (file: string) =>
          (io: RunIo): RunIo => ({
            ...io,
            journal:
              file === 'journal'
                ? {
                    ...io.journal,
                    append: (l) => io.journal.append([...l, `{"note":"${patient}"}`]),
                  }
                : io.journal,
            folder: {
              ...io.folder,
              writeText: (p, t) => io.folder.writeText(p, p === file ? `${t}\n${patient}\n` : t),
            },
          });
        const cases: Array<[string, string, ((io: RunIo) => RunIo) | undefined]> = [
          ['journal', '', plantInto('journal')],
          ['manifest', 'manifest.json', plantInto('manifest.json')],
          ['documentation', 'DEIDENTIFICATION.md', plantInto('DEIDENTIFICATION.md')],
          ['record', 'DEIDENTIFICATION.json', plantInto('DEIDENTIFICATION.json')],
          ['csv', 'subjects.csv', undefined],
          ['dicom', 'stray/copy.dcm', undefined],
        ];
        for (const [kind, path, wrap] of cases) {
          const out = `plant-${kind}`;
          if (kind === 'csv')
            await shell.plant(out, path, new TextEncoder().encode(`site,name\n1,${patient}\n`));
          if (kind === 'dicom')
            await shell.plant(
              out,
              path,
              [...corpus.values()].find((b) => parseDicomBytes(b).kind === 'parsed')!,
            );
          const r = await shell.run(corpus, out, job(), wrap);
          const removed = r.folderLeaks.map((l) => l.path);
          if (kind === 'journal')
            expect(
              removed.some((p) => /journal/.test(p)),
              kind,
            ).toBe(true);
          else expect(removed, kind).toContain(path);
          expect(shell.files(out).has(removed[0]!), kind).toBe(false);
          expect(r.folderLeaks[0]?.reasons.join(' '), kind).toMatch(
            /identifying name from PatientName/,
          );
          expect(r.folderLeaks[0]?.reasons.join(' ').toLowerCase(), kind).not.toContain(
            patient.toLowerCase(),
          );
        }
      });

      it('DEID-87 an interrupt stops the run between files: recorded, the rest not reached', async () => {
        let asked = 0;
        const r = await shell.run(corpus, 'interrupt', job(), (io) => ({
          ...io,
          stop: () =>
            ++asked > 3
              ? { code: 'interrupted', sentence: 'interrupted: run again to resume' }
              : null,
        }));
        expect(r.stopped?.code).toBe('interrupted');
        accounted(r);
        expect(r.record.counts.notReached).toBe(corpus.size - 3);
        expect(r.recordWritten).toBe(true);
        expect(text(shell.files('interrupt').get('DEIDENTIFICATION.md'))).toMatch(
          /STOPPED before the end: interrupted/,
        );
        expect([...shell.files('interrupt').keys()].filter((p) => /\.tmp/.test(p))).toEqual([]);
      });

      it('DEID-87 a full disk stops the run with a reason, leaves no temporary, and a rerun resumes', async () => {
        const whole = await shell.run(corpus, 'roomy', job());
        const size = [...shell.files('roomy')]
          .filter(([p]) => p.endsWith('.dcm'))
          .reduce((n, [, b]) => n + b.length, 0);
        // Half the images' bytes fit: the run stops part way.
        const budget = Math.floor(size / 2);
        const limited =
          shell.name === 'memory'
            ? await (async () => {
                const disk = new MemDisk();
                disk.budget = budget;
                const first = await runLoop(job(), memoryIo(corpus, disk));
                const tmp = [...disk.files.keys()].filter((p) => /\.tmp/.test(p));
                disk.budget = Infinity;
                const again = await runLoop(job(), memoryIo(corpus, disk));
                return { first, tmp, again };
              })()
            : await (async () => {
                const root = writeTree(corpus);
                const outDir = join(root, 'out');
                const fs = limitedFs(budget);
                const first = await runLoop(job(), { ...nodeIo(join(root, 'in'), outDir, fs) });
                const tmp = listFiles(outDir).filter((p) => /\.tmp/.test(p));
                const again = await runLoop(job(), nodeIo(join(root, 'in'), outDir));
                return { first, tmp, again };
              })();
        expect(limited.first.stopped?.code).toBe('disk-full');
        expect(limited.first.stopped?.sentence).toMatch(/full: free space/);
        expect(limited.tmp).toEqual([]);
        accounted(limited.first);
        expect(limited.first.record.counts.notReached).toBeGreaterThan(0);
        expect(limited.again.stopped).toBeUndefined();
        expect(limited.again.record.counts.written).toBe(whole.record.counts.written);
        // Files journaled before the disk filled are reused; the rest are redone, identically.
        expect(limited.again.manifestSha256).toBe(whole.manifestSha256);
      });
    }
  });
}
