// The run loop's interfaces over plain maps, and over Node's file system (the CLI's own
// adapters), so one suite runs against both; a byte budget stands in for a full disk.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import {
  readBackProblem,
  type JournalStore,
  type OutputFolder,
  type OutputPort,
  type RunIo,
  type SourceFile,
} from '../../../../src/core/deid/run';
import {
  nodeFolder,
  nodeJournal,
  nodeSources,
  nodeStage,
  nodeWriteFs,
  type WriteFs,
} from '../../../../src/cli/deid-fs';
import { nodeIoFailure } from '../../../../src/cli/exit';

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const enospc = () =>
  Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });

/** A disk: a map of files, with an optional budget of bytes (then writes fail, ENOSPC). */
export class MemDisk {
  files = new Map<string, Uint8Array>();
  budget = Infinity;

  used(): number {
    let n = 0;
    for (const b of this.files.values()) n += b.length;
    return n;
  }

  write(path: string, b: Uint8Array): void {
    const before = this.files.get(path)?.length ?? 0;
    if (this.used() - before + b.length > this.budget) {
      // Like a real disk: the part that fitted is there.
      this.files.set(
        path,
        Uint8Array.from(b.subarray(0, Math.max(0, this.budget - this.used() + before))),
      );
      throw enospc();
    }
    // A copy, not b.slice(): a Buffer's slice is a view into Node's shared pool, which later
    // allocations overwrite (the bytes "on disk" then changed after their hash was taken).
    this.files.set(path, Uint8Array.from(b));
  }
}

const enc = new TextEncoder();

export function memoryIo(input: Map<string, Uint8Array>, disk: MemDisk, ports = 2): RunIo {
  let serial = 0;
  const put = (path: string, b: Uint8Array) => {
    const tmp = `${path}.tmp-1-${serial++}`;
    try {
      disk.write(tmp, b);
    } catch (e) {
      disk.files.delete(tmp);
      throw e;
    }
    disk.files.set(path, disk.files.get(tmp)!);
    disk.files.delete(tmp);
  };
  const folder: OutputFolder = {
    exists: async (p, size) => disk.files.get(p)?.length === size,
    writeText: async (p, t) => put(p, enc.encode(t)),
    removeTemporaries: async () => {
      let n = 0;
      for (const p of [...disk.files.keys()])
        if (/\.tmp-\d+(-\d+)?$/.test(p)) {
          disk.files.delete(p);
          n++;
        }
      return n;
    },
    list: async () => [...disk.files.keys()].sort(),
    read: async (p) => disk.files.get(p) ?? new Uint8Array(0),
    remove: async (p) => void disk.files.delete(p),
  };
  const journal: JournalStore = {
    read: async () =>
      new TextDecoder().decode(disk.files.get('.journal') ?? new Uint8Array()).split('\n'),
    append: async (lines) => {
      const old = disk.files.get('.journal') ?? new Uint8Array();
      const add = enc.encode(`${lines.join('\n')}\n`);
      const all = new Uint8Array(old.length + add.length);
      all.set(old);
      all.set(add, old.length);
      disk.write('.journal', all);
    },
  };
  const port: OutputPort = {
    put: async (t) => {
      const bytes = Buffer.concat(t.parts);
      const s = sha(bytes);
      put(t.path, bytes);
      const back = disk.files.get(t.path)!;
      const problem = readBackProblem(back, s, sha(back), t.ids);
      if (!problem) return { kind: 'ok', sha256: s };
      disk.files.delete(t.path);
      return { kind: 'held', sha256: s, ...problem };
    },
  };
  const files: SourceFile[] = [...input.keys()].sort().map((path) => ({
    path,
    size: input.get(path)!.length,
    modified: 1,
    read: async () => input.get(path)!,
  }));
  return {
    files,
    folder,
    journal,
    ports: Array.from({ length: ports }, () => port),
    sha256Hex: async (b) => sha(b),
    inflate,
    ioFailure: nodeIoFailure,
    now: () => new Date('2026-12-01T00:00:00Z'),
    clock: () => 0,
  };
}

const inflate: RunIo['inflate'] = async (data, maxBytes) =>
  new Uint8Array(inflateRawSync(data, { maxOutputLength: maxBytes }));

/** The same over real folders, with the CLI's adapters; `fs` may carry a byte budget. */
export function nodeIo(inputDir: string, outputDir: string, fs: WriteFs = nodeWriteFs): RunIo {
  return {
    files: nodeSources(inputDir),
    folder: nodeFolder(outputDir, fs),
    journal: nodeJournal(outputDir, fs),
    ports: [nodeStage(outputDir, fs), nodeStage(outputDir, fs)],
    sha256Hex: async (b) => sha(b),
    inflate,
    ioFailure: nodeIoFailure,
    now: () => new Date('2026-12-01T00:00:00Z'),
    clock: () => 0,
  };
}

/** Node's file system with a budget of bytes on disk; past it, writes fail with ENOSPC. */
export function limitedFs(budget: number): WriteFs {
  const sizes = new Map<string, number>();
  const used = () => [...sizes.values()].reduce((n, v) => n + v, 0);
  return {
    ...nodeWriteFs,
    async writeFile(p, parts) {
      const d = Buffer.concat(parts);
      const room = budget - used() + (sizes.get(p) ?? 0);
      if (d.length > room) {
        // Part of it lands, as on a real full disk.
        await nodeWriteFs.writeFile(p, [d.subarray(0, Math.max(0, room))]);
        sizes.set(p, Math.max(0, room));
        throw enospc();
      }
      sizes.set(p, d.length);
      await nodeWriteFs.writeFile(p, [d]);
    },
    async appendFile(p, t) {
      const n = Buffer.byteLength(t);
      if (used() + n > budget) throw enospc();
      sizes.set(p, (sizes.get(p) ?? 0) + n);
      await nodeWriteFs.appendFile(p, t);
    },
    async rename(a, b) {
      sizes.set(b, sizes.get(a) ?? 0);
      sizes.delete(a);
      await nodeWriteFs.rename(a, b);
    },
    async rm(p) {
      sizes.delete(p);
      await nodeWriteFs.rm(p);
    },
  };
}

export function writeTree(files: Map<string, Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'tb-run-loop-'));
  const input = join(root, 'in');
  for (const [p, b] of files) {
    mkdirSync(dirname(join(input, p)), { recursive: true });
    writeFileSync(join(input, p), b);
  }
  return root;
}
