// DEID-92: the run loop's per-file port. What depends on other files is decided by the
// loop in input order, so the order in which the per-file work answers (threads, helper
// workers) changes nothing: the journal's lines, pseudonym collisions and held files come
// out the same; a file whose work failed is held with a closed reason and the run goes on.
import { describe, expect, it } from 'vitest';
import { basicProfile } from '../../../../src/core/deid/profile';
import {
  localProcess,
  runLoop,
  type FileProcess,
  type OutputPort,
  type Prepared,
  type RunIo,
  type RunJob,
} from '../../../../src/core/deid/run';
import { keyedPseudonym } from '../../../../src/core/deid/run/pseudonym';
import { demoArchive } from '../../../../src/core/demo/archive';
import { layout, makeNative, nativeFile, usHeader } from './fixture';
import { MemDisk, memoryIo } from './memory-io';

const KEY = new Uint8Array(32).fill(4);
/** Two patient IDs whose keyed pseudonyms at site 101 under KEY are the same (found by search). */
const COLLIDING = ['PAT36712', 'PAT39149'];

const corpus = new Map<string, Uint8Array>();
for (const f of demoArchive({
  sites: 1,
  subjectsPerSite: 2,
  visits: 1,
  ctSlices: 3,
  mrSlices: 2,
  petSlices: 0,
  rows: 16,
  columns: 16,
  deviations: false,
}))
  corpus.set(f.path, f.bytes);
COLLIDING.forEach((patient, n) =>
  corpus.set(
    `zz/collide-${n}.dcm`,
    nativeFile(
      usHeader([
        { tag: 0x00100020, vr: 'LO', value: patient },
        { tag: 0x00080018, vr: 'UI', value: `1.2.826.0.1.3680043.9.7777.2.${n}` },
        { tag: 0x0020000e, vr: 'UI', value: `1.2.826.0.1.3680043.9.7777.3.${n}` },
      ]),
      makeNative(layout()),
    ),
  ),
);

function job(): RunJob {
  const profile = basicProfile('test');
  profile.options.rtnLongModifDatesOpt = true;
  return {
    tool: 'test',
    profile,
    key: KEY,
    trial: {},
    siteRules: [{ glob: '**', site: '101' }],
    passBurnedIn: 'generated',
    waiveFacialRisk: 'generated',
    runBy: 'tester',
  };
}

/** A process over this thread's work whose answers come back in the reverse order asked. */
function reversed(io: RunIo, j: RunJob): FileProcess {
  const inner = localProcess(j, { ...io, ports: io.ports ?? [] });
  const waiting: Array<() => void> = [];
  const gate = (n: number) => {
    const mine = new Promise<void>((r) => waiting.push(r));
    // Once `n` are waiting (or the last input), they are let go last first.
    if (waiting.length >= n) for (const go of waiting.splice(0).reverse()) go();
    return mine;
  };
  return {
    ...inner,
    ahead: 4,
    prepare: async (i, f) => {
      const p = await inner.prepare(i, f);
      await gate(i === io.files.length - 1 ? 1 : 4);
      return p;
    },
  };
}

/** Output stages that finish in an order unrelated to the order they were given work. */
function shuffled(ports: readonly OutputPort[]): OutputPort[] {
  let n = 0;
  return ports.map((port) => ({
    put: async (t) => {
      const r = await port.put(t);
      await new Promise((go) => setTimeout(go, [7, 0, 3, 11, 1][n++ % 5]));
      return r;
    },
  }));
}

const journal = (d: MemDisk) => new TextDecoder().decode(d.files.get('.journal'));

describe('DEID-92 the run loop over its per-file port', () => {
  it('the fixture: the two patient IDs do collide', () => {
    const [a, b] = COLLIDING.map((p) => keyedPseudonym(KEY, '101', p));
    expect(a).toBe(b);
  });

  it('answers in another order change nothing: journal order, collisions, outputs', async () => {
    const plain = new MemDisk();
    const a = await runLoop(job(), memoryIo(corpus, plain));
    expect(a.record.counts.held.pseudonym).toBe(1);
    expect(a.held.find((h) => h.category === 'pseudonym')?.path).toBe('zz/collide-1.dcm');

    const other = new MemDisk();
    const io = memoryIo(corpus, other);
    const b = await runLoop(job(), {
      ...io,
      process: reversed({ ...io, ports: shuffled(io.ports ?? []) }, job()),
    });
    expect(b.held).toEqual(a.held);
    expect(b.manifestSha256).toBe(a.manifestSha256);
    expect(journal(other)).toBe(journal(plain));
    expect(journal(plain).trim().split('\n')).toHaveLength(a.record.counts.written);
    expect(other.files).toEqual(plain.files);
  });

  it('a file whose work failed is held with a closed reason; the others are written', async () => {
    const disk = new MemDisk();
    const io = memoryIo(corpus, disk);
    const inner = localProcess(job(), { ...io, ports: io.ports ?? [] });
    const victim = [...corpus.keys()].sort().findIndex((p) => p.endsWith('.dcm'));
    const failing: FileProcess = {
      ...inner,
      prepare: async (i, f): Promise<Prepared> =>
        i === victim
          ? { kind: 'failed', code: 'thread-crashed', sourceSha256: '', message: 'exit 134' }
          : inner.prepare(i, f),
    };
    const whole = await runLoop(job(), memoryIo(corpus, new MemDisk()));
    const r = await runLoop(job(), { ...io, process: failing });
    expect(r.record.counts.written).toBe(whole.record.counts.written - 1);
    expect(r.record.counts.held.unsafe).toBe(1);
    expect(r.record.held.find((h) => h.category === 'unsafe')?.reasons).toEqual([
      'the thread de-identifying this file crashed; nothing written',
    ]);
    const mine = r.held.find((h) => h.category === 'unsafe');
    expect(mine?.reasons[0]).toMatch(/crashed; nothing written: exit 134$/);
    const c = r.record.counts;
    const held = Object.values(c.held).reduce((n, v) => n + (v ?? 0), 0);
    expect(c.written + held + c.skipped + (c.duplicate ?? 0)).toBe(corpus.size);
  });
});

describe('outputs waiting in memory', () => {
  /** Output stages that count how many outputs they hold at once. */
  function counting(io: RunIo) {
    let now = 0;
    let most = 0;
    const ports: OutputPort[] = (io.ports ?? []).map((port) => ({
      put: async (t) => {
        most = Math.max(most, ++now);
        await new Promise((go) => setTimeout(go, 2));
        const r = await port.put(t);
        now--;
        return r;
      },
    }));
    return { ports, most: () => most };
  }

  it('many writes may wait at once, but past writeBytes only the one just handed waits', async () => {
    const free = memoryIo(corpus, new MemDisk());
    const a = counting(free);
    await runLoop(job(), {
      ...free,
      process: localProcess(job(), { ...free, ports: a.ports, perPort: 8 }),
    });
    expect(a.most()).toBeGreaterThan(2);

    const capped = memoryIo(corpus, new MemDisk());
    const b = counting(capped);
    const r = await runLoop(job(), {
      ...capped,
      process: localProcess(job(), { ...capped, ports: b.ports, perPort: 8, writeBytes: 1 }),
    });
    // Past the cap, the output just handed waits only for the one before it.
    expect(b.most()).toBe(2);
    expect(r.record.counts.written).toBeGreaterThan(5);
  });
});
