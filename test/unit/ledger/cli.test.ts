// `trialbench verify` as a user runs it: exit 0 and "intact" on a good export, exit 1 and
// the line of the change on a tampered one; exit 2 and one line when unreadable (LEDGER-23).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { busyLog } from './log';

const dir = mkdtempSync(join(tmpdir(), 'trialbench-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verify(...args: string[]) {
  return spawnSync(process.execPath, ['bin/trialbench.js', 'verify', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('trialbench verify', () => {
  it('exits 0 on a good export and 1 on a tampered one, naming the line', async () => {
    const { text } = await busyLog(60);
    const goodFile = join(dir, 'good.jsonl');
    writeFileSync(goodFile, text);
    const ok = verify(goodFile);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('60 entries, 1 export checkpoints');
    expect(ok.stdout).toContain('intact');
    expect(ok.stdout).toContain('internal consistency only');

    const lines = text.split('\n');
    lines[20] = (lines[20] as string).replace('"files":', '"files":1');
    const badFile = join(dir, 'bad.jsonl');
    writeFileSync(badFile, lines.join('\n'));
    const bad = verify(badFile);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('NOT intact');
    expect(bad.stdout).toMatch(/line 21: altered.*\(LEDGER-4\)/);

    // Anchors (LEDGER-21): the right ones pass, a wrong study fails at line 1.
    const header = JSON.parse(lines[0] as string) as { study: string };
    const founder = /founded by the admin with key ([0-9 ]+)/.exec(ok.stdout)?.[1] ?? '';
    const anchored = verify(goodFile, '--study', header.study, '--admin', founder);
    expect(anchored.status).toBe(0);
    expect(anchored.stdout).toContain('anchored to the study id and the founding admin');
    const wrong = verify(goodFile, '--study', 'f'.repeat(64));
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toMatch(/line 1: anchor/);

    // Exit 2: unreadable or misused, with one line; --help exits 0 and documents the codes.
    for (const args of [
      [join(dir, 'missing.jsonl')],
      [],
      [goodFile, '--bogus'],
      [goodFile, '--study', 'x'],
    ]) {
      const r = verify(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const notExport = join(dir, 'not.jsonl');
    writeFileSync(notExport, 'hello\n');
    expect(verify(notExport).status).toBe(2);
    const help = verify('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/0 intact, 1 not intact, 2 unreadable/);
  });

  it('a float in the header is a one-line answer naming line 1, exit 1, no stack trace', async () => {
    const { text } = await busyLog(5);
    const file = join(dir, 'float.jsonl');
    writeFileSync(file, text.replace('"checkpointEvery":1000', '"checkpointEvery":0.5'));
    const r = verify(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/line 1: format.*not a safe integer: 0.5.*\(LEDGER-1\)/);
  });
});
