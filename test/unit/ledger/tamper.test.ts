// The tamper campaign on an exported log: flip a byte (many positions), drop, reorder,
// duplicate, splice another study's entries, truncate, swap a checkpoint. Each change is
// detected, at the line (and entry) where it was made (LEDGER-16, LEDGER-18).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_EVERY,
  entryId,
  parseEntry,
  verifyLog,
  type VerifyReport,
} from '../../../src/core/ledger';
import { busyLog, type Exported } from './log';
import { Rng } from './random';
import { memoVerifier } from './signer';

const memo = memoVerifier();

let good: Exported;
let other: Exported;
let lines: string[];
const SEED = 11;

function isCheckpoint(line: string): boolean {
  return line.includes('"checkpoint":');
}

async function check(text: string): Promise<VerifyReport> {
  return verifyLog(text, memo);
}

function join(list: string[]): string {
  return list.join('\n') + '\n';
}

function idOf(line: string): string {
  const p = parseEntry(line);
  if (!p.ok) throw new Error('not an entry');
  return p.id;
}

beforeAll(async () => {
  // Checkpoints every 50 entries keep the campaign quick; the full-size one is tested below.
  good = await busyLog(420, 1, 50);
  other = await busyLog(40, 2);
  lines = good.text.split('\n').slice(0, -1);
});

describe('tamper campaign', () => {
  it('the untouched export verifies', async () => {
    const r = await check(good.text);
    expect(r).toMatchObject({ ok: true, entries: 420, checkpoints: 9, problems: [] });
    expect(lines.filter(isCheckpoint).length).toBe(9);
  });

  it('a full-size export (a checkpoint every 1,000 entries) verifies; a change in it is caught', async () => {
    const big = await busyLog(2 * CHECKPOINT_EVERY + 350);
    expect(await check(big.text)).toMatchObject({
      ok: true,
      entries: 2350,
      checkpoints: 3,
      problems: [],
    });
    const bigLines = big.text.split('\n');
    bigLines.splice(1500, 1);
    const r = await check(bigLines.join('\n'));
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['dropped']));
  });

  it('a flipped byte anywhere is caught at its line', async () => {
    const rng = new Rng(SEED);
    const offsets: number[] = [];
    let at = 0;
    for (const l of lines) {
      offsets.push(at);
      at += l.length + 1;
    }
    const checkpointLines = lines.map((l, i) => (isCheckpoint(l) ? i + 1 : 0)).filter(Boolean);
    for (let k = 0; k < 80; k++) {
      // Every line kind: header, keys, checkpoints and entries, and random positions.
      const lineIndex =
        k < 2 ? k : k < 5 ? (checkpointLines[k - 2] as number) - 1 : rng.int(lines.length);
      const line = lines[lineIndex] as string;
      const pos = rng.int(line.length);
      const flipped =
        line.slice(0, pos) +
        String.fromCharCode(line.charCodeAt(pos) ^ (1 << rng.int(7))) +
        line.slice(pos + 1);
      if (flipped.includes('\n')) continue;
      const copy = [...lines];
      copy[lineIndex] = flipped;
      const r = await check(join(copy));
      const lineNo = lineIndex + 1;
      expect(r.ok, `flip at line ${lineNo} offset ${pos}`).toBe(false);
      const here = r.problems.some((p) => p.line === lineNo);
      // The header and keys are bound by every checkpoint signature.
      const bound =
        lineNo <= 2 && r.problems.some((p) => p.kind === 'checkpoint' || p.kind === 'format');
      expect(
        here || bound,
        `flip at line ${lineNo} offset ${pos}: ${JSON.stringify(r.problems)}`,
      ).toBe(true);
    }
  });

  it('a dropped entry is named by id where it is missed; the last one by the checkpoint', async () => {
    const rng = new Rng(SEED + 1);
    for (let k = 0; k < 12; k++) {
      const i = 3 + rng.int(lines.length - 5);
      if (isCheckpoint(lines[i] as string)) continue;
      const id = idOf(lines[i] as string);
      const r = await check(join(lines.filter((_, j) => j !== i)));
      expect(r.problems.find((p) => p.kind === 'dropped')?.id).toBe(id);
    }
    const lastEntry = lines.length - 2;
    const r = await check(join(lines.filter((_, j) => j !== lastEntry)));
    expect(r.problems.find((p) => p.kind === 'dropped')?.line).toBe(lines.length - 1);
  });

  it('a dropped checkpoint is reported', async () => {
    const cp = lines.findIndex(isCheckpoint);
    const r = await check(join(lines.filter((_, j) => j !== cp)));
    expect(r.problems.map((p) => p.kind)).toContain('checkpoint');
  });

  it('reordered entries are caught at the swapped lines', async () => {
    const rng = new Rng(SEED + 2);
    for (let k = 0; k < 12; k++) {
      const i = 3 + rng.int(lines.length - 6);
      if (isCheckpoint(lines[i] as string) || isCheckpoint(lines[i + 1] as string)) continue;
      const copy = [...lines];
      [copy[i], copy[i + 1]] = [copy[i + 1] as string, copy[i] as string];
      const r = await check(join(copy));
      const p = r.problems.find((x) => x.kind === 'reordered');
      expect(p, `swap ${i + 1}/${i + 2}`).toBeDefined();
      expect([i + 1, i + 2]).toContain(p?.line);
    }
  });

  it('a duplicated entry is caught at the copy', async () => {
    const copy = [...lines];
    copy.splice(300, 0, lines[100] as string);
    const r = await check(join(copy));
    expect(r.problems.find((p) => p.kind === 'duplicated')).toMatchObject({
      line: 301,
      id: idOf(lines[100] as string),
    });
  });

  it('entries spliced in from another study are caught at the first one', async () => {
    const foreign = other.text.split('\n').slice(5, 9);
    const copy = [...lines];
    copy.splice(200, 0, ...foreign);
    const r = await check(join(copy));
    expect(r.problems.find((p) => p.kind === 'spliced')).toMatchObject({
      line: 201,
      id: idOf(foreign[0] as string),
    });
  });

  it('truncation is caught: mid-file, at a checkpoint, inside a line', async () => {
    for (const keep of [300, lines.findIndex(isCheckpoint) + 1]) {
      const r = await check(join(lines.slice(0, keep)));
      expect(r.problems.find((p) => p.kind === 'truncated')?.line).toBe(keep);
    }
    const cut = good.text.slice(0, good.text.length - 40);
    const r = await check(cut);
    expect(r.problems.map((p) => p.kind)).toContain('truncated');
  });

  it('a swapped checkpoint is caught at its line', async () => {
    const cps = lines.map((l, i) => (isCheckpoint(l) ? i : -1)).filter((i) => i >= 0);
    const [a, b] = cps as [number, number];
    const copy = [...lines];
    copy[b] = lines[a] as string;
    const r1 = await check(join(copy));
    expect(r1.problems.some((p) => p.line === b + 1)).toBe(true);
    // A checkpoint from another export of the same log (another time): its signature fails.
    const again = (await busyLog(3)).text;
    const foreignCp = again.split('\n').find(isCheckpoint) as string;
    const copy2 = [...lines];
    copy2[a] = foreignCp;
    const r2 = await check(join(copy2));
    expect(r2.problems.find((p) => p.kind === 'checkpoint')?.line).toBe(a + 1);
  });

  it('names the altered entry by id', async () => {
    const i = 234;
    const e = JSON.parse(lines[i] as string) as { body: { files: number } };
    e.body.files += 1;
    const copy = [...lines];
    copy[i] = JSON.stringify(e);
    const r = await check(join(copy));
    expect(r.problems[0]).toMatchObject({ line: i + 1, kind: 'altered' });
    expect(entryId(JSON.parse(lines[i] as string))).not.toBe(r.problems[0]?.id);
  });
});
