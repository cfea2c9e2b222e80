// De-identification over public corpora (DEID-65): every file the engine writes is no less
// valid than its source, by dciodvfy: no error class in an output that its source did not
// have. Error lines are normalised to a class (values, item indices and counts stripped).
// Skipped, loudly, when the corpus or dciodvfy is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { deidentifyDataset } from '../../src/core/deid/engine';
import { parseSource } from '../../src/core/dicom/inflating';
import { deidentifiedTail } from '../../src/core/deid/method';
import { basicProfile } from '../../src/core/deid/profile';
import { TRIAL_DEFAULTS } from '../../src/core/deid/run/run';
import { stringValue } from '../../src/core/dicom/values';
import { writeFileMeta, writePart10 } from '../../src/core/dicom/writer';
import { inflate } from './dicom/inflate';
import { corpusFiles, errorClasses, hex, read, reasonClass, surveyRun } from './deid/survey';

const DCIODVFY = '/usr/bin/dciodvfy';
const banner = (msg: string) => console.warn(`\n${'!'.repeat(72)}\n!! ${msg}\n${'!'.repeat(72)}\n`);
const files = corpusFiles();
const noCorpus = files.length === 0 ? 'no DICOM corpus found (set DICOM_CORPUS)' : null;
const noTool = existsSync(DCIODVFY) ? null : `${DCIODVFY} not installed`;
if (noCorpus) banner(`SKIPPED: de-identification conformance: ${noCorpus}`);
if (noTool) banner(`SKIPPED: de-identification validity check: ${noTool}`);

function dciodvfy(file: string): string {
  const r = spawnSync(DCIODVFY, ['-new', file], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'deid-conf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(noCorpus)('DEID-65 de-identified corpus files', () => {
  test('every output is written or held for a closed reason, and counted', async () => {
    const run = surveyRun();
    const counts = new Map<string, number>();
    for (const f of files) {
      const b = read(f);
      const k = reasonClass(run.file(b, hex(b), await parseSource(b, inflate)));
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const lines = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}\t${k}`);
    console.log(
      `de-identification of ${files.length} corpus files (DeidRun):\n${lines.join('\n')}`,
    );
    expect([...counts.keys()].some((k) => k.startsWith('unsafe: N byte'))).toBe(false);
    expect(counts.get('written') ?? 0).toBeGreaterThan(files.length / 2);
  });

  test.skipIf(noTool)(
    'dciodvfy finds no error class in an output that its source lacked',
    async () => {
      const profile = basicProfile();
      const worse: string[] = [];
      let checked = 0;
      const holds = new Map<string, number>();
      for (const f of files) {
        const b = read(f);
        const outcome = await parseSource(b, inflate);
        if (outcome.kind !== 'parsed') continue;
        const parsed = outcome.dicom;
        const res = deidentifyDataset(parsed, profile, {
          key: new Uint8Array(32).fill(5),
          subjectId: 'TB-CONF01',
          trial: TRIAL_DEFAULTS,
        });
        if (res.holds.length) {
          for (const r of new Set(res.holds.map((h) => h.reason)))
            holds.set(r, (holds.get(r) ?? 0) + 1);
          continue;
        }
        const cls = parsed.dataset.byTag.get(0x00080016);
        const sopClass = cls ? stringValue(parsed.datasetBytes, cls, parsed.dataset) : '';
        const header = writePart10(res.elements, {
          transferSyntaxUid: res.transferSyntaxUid,
          ...(res.sopInstanceUid ? { mediaStorageSopInstanceUid: res.sopInstanceUid } : {}),
          ...(sopClass ? { mediaStorageSopClassUid: sopClass } : {}),
        });
        const out = path.join(tmp, 'out.dcm');
        writeFileSync(out, Buffer.concat([header, ...deidentifiedTail(res, parsed)]));
        // dciodvfy does not read deflated data: the source is checked as its inflated stream.
        let source = f;
        if (parsed.deflated) {
          source = path.join(tmp, 'source.dcm');
          const meta = writeFileMeta({
            transferSyntaxUid: res.transferSyntaxUid,
            mediaStorageSopClassUid: sopClass,
          });
          writeFileSync(source, Buffer.concat([meta, parsed.datasetBytes]));
        }
        const before = errorClasses(dciodvfy(source));
        const after = errorClasses(dciodvfy(out));
        checked++;
        const added = [...after].filter((e) => !before.has(e));
        if (added.length) worse.push(`${path.basename(f)}:\n  ${added.join('\n  ')}`);
      }
      console.log(
        `dciodvfy: ${checked} outputs checked; files held by the engine: ${JSON.stringify(Object.fromEntries(holds))}`,
      );
      expect(checked).toBeGreaterThan(50);
      expect(worse, worse.join('\n')).toEqual([]);
    },
  );
});
