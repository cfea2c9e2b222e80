// A small generated corpus for the CLI tests: demo archive files (planted identifiers,
// truncated and non-DICOM files), written to a temporary input folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { demoArchive, type DemoParams } from '../../../src/core/demo/archive';

export function writeCorpus(params: Partial<DemoParams>): {
  root: string;
  input: string;
  files: number;
} {
  const root = mkdtempSync(join(tmpdir(), 'tb-deid-cli-'));
  const input = join(root, 'in');
  let files = 0;
  for (const f of demoArchive(params)) {
    const p = join(input, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
    files++;
  }
  return { root, input, files };
}
