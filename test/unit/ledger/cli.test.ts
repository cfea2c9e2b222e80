// `trialbench verify` as a user runs it: exit 0 and "intact" on a good export, exit 1 and
// the line of the change on a tampered one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { busyLog } from './log';

const dir = mkdtempSync(join(tmpdir(), 'trialbench-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verify(file: string) {
  return spawnSync(process.execPath, ['bin/trialbench.js', 'verify', file], {
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
    expect(ok.stdout).toContain('60 entries, 1 checkpoints');
    expect(ok.stdout).toContain('intact');

    const lines = text.split('\n');
    lines[20] = (lines[20] as string).replace('"files":', '"files":1');
    const badFile = join(dir, 'bad.jsonl');
    writeFileSync(badFile, lines.join('\n'));
    const bad = verify(badFile);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('NOT intact');
    expect(bad.stdout).toMatch(/line 21: altered/);

    expect(verify(join(dir, 'missing.jsonl')).status).toBe(2);
  });
});
