// The real-file survey shared by the de-identification conformance test: every file of the
// public corpora through one DeidRun, counted as written, held (closed category) or skipped.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from '../../../src/core/deid/sha256';
import { DeidRun, type FileOutcome } from '../../../src/core/deid/run/run';
import { basicProfile } from '../../../src/core/deid/profile';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const CORPUS =
  process.env.DICOM_CORPUS ??
  [path.resolve(repoRoot, '../shared/corpus'), '/work/shared/corpus'].find((d) => existsSync(d)) ??
  '/work/shared/corpus';
export const EXTRA_DIRS = [
  '/usr/share/doc/dicom3tools/examples',
  '/usr/share/doc/libgdcm3.0/examples',
];

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export function corpusFiles(): string[] {
  return [
    ...['pydicom/test_files', 'pydicom/charset_files'].flatMap((d) => walk(path.join(CORPUS, d))),
    ...EXTRA_DIRS.flatMap(walk),
  ]
    .filter((f) => !/\.(txt|json|gz|dump|py|md)$/i.test(f))
    .sort();
}

export function surveyRun(): DeidRun {
  return new DeidRun({
    profile: basicProfile(),
    key: new Uint8Array(32).fill(9),
    siteRules: [{ glob: '**', site: 'S1' }],
    trial: {},
    passBurnedIn: 'survey',
    waiveFacialRisk: 'survey',
    runBy: 'survey',
  });
}

export function hex(bytes: Uint8Array): string {
  return Array.from(sha256(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** One line per reason class: numbers, offsets and values stripped. */
export function reasonClass(o: FileOutcome): string {
  if (o.kind === 'written') return 'written';
  const text = o.kind === 'held' ? `${o.category}: ${o.reasons[0] ?? ''}` : `skipped: ${o.reason}`;
  return text
    .replace(/\d+/g, 'N')
    .replace(/'[^']*'/g, "'…'")
    .slice(0, 110);
}

export function read(file: string): Uint8Array {
  const buf = readFileSync(file);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** One class per dciodvfy error line: values, indices, numbers and offsets stripped. */
export function errorClasses(report: string): Set<string> {
  const out = new Set<string>();
  for (const line of report.split('\n')) {
    if (!line.startsWith('Error')) continue;
    out.add(
      line
        .replace(/\[\d+\]/g, '')
        .replace(/ = +<[^>]*>/g, ' = <>')
        .replace(/\b\d+ (item|frame)s?\b/g, 'N $1s')
        .trim(),
    );
  }
  return out;
}
