// The worker's run over in-memory folders: outputs written, read back and checked; the
// journal names no source; a second run reuses; crashes leave nothing behind; a file that
// changes on its way to disk is held and removed; the output does not depend on how many
// output stages run.
import { describe, expect, it } from 'vitest';
import { syntheticCorpus } from '../../../src/core/demo/corpus';
import { basicProfile } from '../../../src/core/deid/profile';
import { writePart10 } from '../../../src/core/dicom/writer';
import { runDeid, JOURNAL, type DeidJob, type DeidSummary } from '../../../workers/deid-run';
import { OutputStage } from '../../../workers/deid-output';
import { collectIdentifiers, readBackProblem } from '../../../src/core/deid/run';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import type { DeidProfile } from '../../../src/core/deid/profile';

function sourceIdentifiers(source: Uint8Array, profile: DeidProfile) {
  const p = parseDicomBytes(source);
  return p.kind === 'parsed' ? collectIdentifiers(p.dicom, profile) : [];
}
import { asHandle, MemDir } from './memory-fs';

async function corpus(): Promise<MemDir> {
  const input = new MemDir('in');
  const files = syntheticCorpus({
    modality: 'CT',
    count: 10,
    rows: 16,
    columns: 16,
    seed: 5,
    seriesSize: 5,
    phantom: false,
  });
  for (const f of files) await input.put(f.path, f.bytes);
  await input.put('broken/notes.txt', new TextEncoder().encode('not DICOM'));
  return input;
}

function job(input: MemDir, output: MemDir): DeidJob {
  const profile = basicProfile('test');
  profile.options.rtnLongModifDatesOpt = true;
  return {
    input: asHandle(input),
    output: asHandle(output),
    profile,
    key: new Uint8Array(32).fill(9),
    siteRules: [{ glob: '**', site: 'site-1' }],
    trial: {},
    passBurnedIn: 'generated',
    waiveFacialRisk: 'generated',
    runBy: 'test',
  };
}

async function run(j: DeidJob, stages = 1): Promise<DeidSummary> {
  const ports = Array.from(
    { length: stages },
    (_, n) => new OutputStage(j.output, stages > 1 ? `w${n}` : ''),
  );
  const r = await runDeid(j, () => undefined, ports);
  if (!r.ok) throw new Error(`refused: ${r.code}`);
  return r.value;
}

const dcm = (m: Map<string, Uint8Array>) => new Map([...m].filter(([p]) => p.endsWith('.dcm')));
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('the worker run', () => {
  it('writes and reads back every output; the manifest holds their hashes; the journal names no source', async () => {
    const input = await corpus();
    const output = new MemDir('out');
    const r = await run(job(input, output));
    const c = r.record.counts;
    expect(c.written).toBe(10);
    expect(c.skipped).toBe(1);
    expect(c.leakChecked).toBe(10);
    expect(c.leakHeld).toBe(0);
    const files = output.files();
    const manifest = JSON.parse(text(files.get('manifest.json'))) as {
      files: Array<{ path: string; sha256: string; size: number }>;
    };
    expect(manifest.files.map((f) => f.path)).toEqual([...dcm(files).keys()].sort());
    for (const f of manifest.files) {
      const bytes = files.get(f.path)!;
      const sha = Buffer.from(await crypto.subtle.digest('SHA-256', bytes.slice())).toString('hex');
      expect(sha).toBe(f.sha256);
      expect(bytes.length).toBe(f.size);
    }
    const journal = [...files].filter(([p]) => p.startsWith(`${JOURNAL}/`));
    expect(journal.length).toBeGreaterThan(0);
    const sources = [...input.files().keys()];
    for (const [, b] of journal) {
      for (const s of sources) {
        expect(text(b)).not.toContain(s);
        for (const part of s.split('/')) expect(text(b)).not.toContain(part);
      }
    }
    expect([...files.keys()].some((p) => p.endsWith('.tmp'))).toBe(false);

    const again = await run(job(input, output));
    expect(again.record.counts.alreadyPresent).toBe(10);
    expect(again.record.counts.leakChecked).toBe(0);
    expect(again.manifestSha256).toBe(r.manifestSha256);
  });

  it('reuses outputs only under the same answers', async () => {
    const input = await corpus();
    const output = new MemDir('out');
    await run(job(input, output));
    const other = { ...job(input, output), waiveFacialRisk: 'another justification' };
    expect((await run(other)).record.counts.alreadyPresent).toBe(0);
    const review = { ...job(input, output), review: [['1.2.3', {}]] as DeidJob['review'] };
    expect((await run(review)).record.counts.alreadyPresent).toBe(0);
    expect((await run(review)).record.counts.alreadyPresent).toBe(10);
  });

  it('gives byte-identical output with one output stage or two', async () => {
    const input = await corpus();
    const one = new MemDir('one');
    const two = new MemDir('two');
    const a = await run(job(input, one), 1);
    const b = await run(job(input, two), 2);
    expect(b.manifestSha256).toBe(a.manifestSha256);
    expect(dcm(two.files())).toEqual(dcm(one.files()));
    expect(b.record.decisions).toEqual(a.record.decisions);
  });

  it('removes temporaries of a crashed run and redoes files written but not journaled', async () => {
    const input = await corpus();
    const output = new MemDir('out');
    const first = await run(job(input, output));
    const before = dcm(output.files());
    // The crash: the journal never reached disk, one output is half there, temporaries stay.
    output.children.delete(JOURNAL);
    const [victim] = [...before.keys()];
    await output.put(victim!, before.get(victim!)!.subarray(0, 100));
    await output.put(`${victim}.w1.tmp`, new Uint8Array(10));
    await output.put('manifest.json.tmp', new Uint8Array(3));
    const r = await run(job(input, output));
    expect(r.removedTemporaries).toBe(2);
    expect(r.record.counts.alreadyPresent).toBe(0);
    expect(r.record.counts.written).toBe(10);
    expect(dcm(output.files())).toEqual(before);
    expect([...output.files().keys()].some((p) => p.endsWith('.tmp'))).toBe(false);
    expect(r.manifestSha256).toBe(first.manifestSha256);
  });

  it('holds and removes a file whose bytes change on the way to disk', async () => {
    const input = await corpus();
    const output = new MemDir('out');
    let target = '';
    output.onCommit = (f, bytes) => {
      if (!f.name.endsWith('.dcm.tmp') || (target && f.name !== target)) return bytes;
      target = f.name;
      const changed = bytes.slice();
      changed[changed.length - 1] = (changed.at(-1) ?? 0) ^ 0xff;
      return changed;
    };
    const r = await run(job(input, output));
    const c = r.record.counts;
    expect(c.written).toBe(9);
    expect(c.held.unsafe).toBe(1);
    expect(c.leakChecked).toBe(9);
    expect(r.held).toHaveLength(1);
    expect(r.held[0]!.reasons[0]).toMatch(/^read-back: .*differs/);
    expect(r.record.held.map((h) => h.category)).toEqual(['unsafe']);
    const files = output.files();
    const gone = target.replace(/\.tmp$/, '');
    expect([...files.keys()].some((p) => p.endsWith(gone))).toBe(false);
    const manifest = text(files.get('manifest.json'));
    expect(manifest).not.toContain(gone);
    expect(JSON.parse(manifest).files).toHaveLength(9);
    // Held, so not journaled: the next run tries it again (and, with a sound disk, writes it).
    output.onCommit = (_f, b) => b;
    const again = await run(job(input, output));
    expect(again.record.counts.alreadyPresent).toBe(9);
    expect(again.record.counts.written).toBe(10);
  });
});

describe('readBackProblem', () => {
  const source = writePart10([
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: '1.2.3.4' },
    { tag: 0x00100010, vr: 'PN', value: 'Quixote^Alonso' },
    { tag: 0x00100020, vr: 'LO', value: 'MRN-77123' },
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(64) },
  ]);
  const ids = sourceIdentifiers(source, basicProfile());
  const output = (name: string, pixels = new Uint8Array(64)) =>
    writePart10([
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
      { tag: 0x00080018, vr: 'UI', value: '2.25.9' },
      { tag: 0x00100010, vr: 'PN', value: name },
      { tag: 0x7fe00010, vr: 'OW', value: pixels },
    ]);

  it('passes a clean output', () => {
    expect(ids.length).toBeGreaterThan(0);
    expect(readBackProblem(output('TB-1'), 'a', 'a', ids)).toBeNull();
  });

  it('holds an output whose header carries a source identifier', () => {
    const p = readBackProblem(output('QUIXOTE^ALONSO'), 'a', 'a', ids);
    expect(p?.category).toBe('leak');
    expect(p?.leakChecked).toBe(true);
    expect(p?.reasons.join('\n')).toMatch(/read-back.*name from PatientName/);
  });

  it('holds an output whose pixel data carries a source identifier', () => {
    const pixels = new Uint8Array(64);
    pixels.set(new TextEncoder().encode('MRN-77123'), 20);
    const p = readBackProblem(output('TB-1', pixels), 'a', 'a', ids);
    expect(p?.category).toBe('leak');
    expect(p?.reasons.join('\n')).toMatch(/pixel data bytes/);
  });

  it('holds an output whose hash differs from the manifest, and one that does not parse', () => {
    expect(readBackProblem(output('TB-1'), 'a', 'b', ids)?.category).toBe('unsafe');
    const p = readBackProblem(new Uint8Array(10), 'a', 'a', ids);
    expect(p?.category).toBe('unsafe');
    expect(p?.leakChecked).toBe(false);
  });
});
