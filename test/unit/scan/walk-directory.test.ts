// Listing with getFile() calls in flight (src/adapters/fs/folders.ts): the same entries in the
// same order as one call at a time, whatever the window and however slowly each call answers;
// a failing getFile fails the walk at its turn; a stopped walk leaves nothing unhandled.
import { describe, expect, test, vi } from 'vitest';
import { walkDirectory, type ListedEntry } from '../../../src/adapters/fs/folders';
import { walk } from '../../../workers/deid-folder';

type Node = { dir: Record<string, Node> } | { file: number } | { fails: true };

/** A directory handle over a tree; each getFile answers after a seeded, uneven delay. */
function handle(tree: Record<string, Node>, calls: { started: number; max: number; open: number }) {
  let seed = 7;
  const delay = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 5;
  const dir = (entries: Record<string, Node>): FileSystemDirectoryHandle =>
    ({
      kind: 'directory',
      async *values() {
        for (const [name, node] of Object.entries(entries)) {
          if ('dir' in node) yield { ...(dir(node.dir) as object), name };
          else
            yield {
              kind: 'file',
              name,
              getFile: async () => {
                calls.started++;
                calls.open++;
                calls.max = Math.max(calls.max, calls.open);
                await new Promise((r) => setTimeout(r, delay()));
                calls.open--;
                if ('fails' in node) throw new DOMException('gone', 'NotFoundError');
                return new File([new Uint8Array(node.file)], name, { lastModified: node.file });
              },
            };
        }
      },
    }) as unknown as FileSystemDirectoryHandle;
  return dir(tree);
}

function tree(): Record<string, Node> {
  const series = (n: number, files: number): Node => ({
    dir: Object.fromEntries(
      Array.from({ length: files }, (_, i) => [`${n}-${i}.dcm`, { file: n * 100 + i }]),
    ),
  });
  return {
    'a.dcm': { file: 1 },
    s1: series(1, 30),
    s2: { dir: { deep: series(2, 3), 'b.dcm': { file: 2 } } },
    'c.dcm': { file: 3 },
    s3: series(3, 90),
  };
}

async function list(root: FileSystemDirectoryHandle, inFlight: number, signal?: AbortSignal) {
  const out: ListedEntry[] = [];
  for await (const e of walkDirectory(root, signal, inFlight)) out.push(e);
  return out;
}

const counter = () => ({ started: 0, max: 0, open: 0 });

/** The tree with one file in s3 whose getFile fails. */
function failingTree(): Record<string, Node> {
  const t = tree();
  (t.s3 as { dir: Record<string, Node> }).dir['3-5.dcm'] = { fails: true };
  return t;
}

/** The paths a walk gives before it fails, and what it failed with. */
async function untilFailure(entries: AsyncIterable<{ path: string }>) {
  const seen: string[] = [];
  try {
    for await (const e of entries) seen.push(e.path);
  } catch (error) {
    return { seen, error };
  }
  return { seen, error: null };
}

const shape = (es: ListedEntry[]) => es.map((e) => [e.path, e.size, e.mtime, e.file.name]);

describe('walkDirectory with getFile calls in flight', () => {
  test('the same entries, in the same order, as one call at a time', async () => {
    const one = await list(handle(tree(), counter()), 1);
    expect(one).toHaveLength(126);
    expect(one[0]!.path).toBe('a.dcm');
    for (const w of [2, 3, 16, 64, 500]) {
      const calls = counter();
      const many = await list(handle(tree(), calls), w);
      expect(shape(many), `window ${w}`).toEqual(shape(one));
      expect(calls.max, `window ${w}`).toBeLessThanOrEqual(w);
      if (w >= 16) expect(calls.max).toBeGreaterThan(1);
    }
  });

  test('a getFile that fails fails the walk at its turn, after every entry before it', async () => {
    const { seen, error } = await untilFailure(
      walkDirectory(handle(failingTree(), counter()), undefined, 16),
    );
    expect(error).toMatchObject({ name: 'NotFoundError' });
    expect(seen.at(-1)).toBe('s3/3-4.dcm');
    expect(seen).toHaveLength(2 + 30 + 1 + 3 + 5);
  });

  test('a walk stopped early leaves no rejection unhandled', async () => {
    const t = tree();
    for (const k of Object.keys((t.s3 as { dir: Record<string, Node> }).dir))
      (t.s3 as { dir: Record<string, Node> }).dir[k] = { fails: true };
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const stop = new AbortController();
      let n = 0;
      for await (const _ of walkDirectory(handle(t, counter()), stop.signal, 64)) {
        if (++n === 30) stop.abort();
      }
      expect(n).toBeLessThanOrEqual(32);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe("the de-identification run's walk with getFile calls in flight", () => {
  const run = async (root: FileSystemDirectoryHandle, inFlight: number) => {
    const out: string[] = [];
    for await (const e of walk(root, '', inFlight)) out.push(`${e.path}:${e.file.size}`);
    return out;
  };

  test('sorted by name within each folder, the same at every window', async () => {
    const one = await run(handle(tree(), counter()), 1);
    expect(one).toHaveLength(126);
    expect(one.slice(0, 2)).toEqual(['a.dcm:1', 'c.dcm:3']);
    expect(one[2]).toBe('s1/1-0.dcm:100');
    for (const w of [2, 16, 64]) {
      const calls = counter();
      expect(await run(handle(tree(), calls), w), `window ${w}`).toEqual(one);
      expect(calls.max).toBeLessThanOrEqual(w);
      if (w >= 16) expect(calls.max).toBeGreaterThan(1);
    }
  });

  test('a getFile that fails fails the walk at its turn', async () => {
    const { seen, error } = await untilFailure(walk(handle(failingTree(), counter()), '', 16));
    expect(error).toMatchObject({ name: 'NotFoundError' });
    // Sorted by name: '3-49.dcm' comes just before '3-5.dcm'.
    expect(seen.at(-1)).toBe('s3/3-49.dcm');
  });
});
