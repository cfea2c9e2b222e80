// A deflated file rewritten as Explicit VR Little Endian for the viewer's loader
// (src/core/dicom/undeflate.ts): the same elements and pixels, a consistent meta group, and
// files that are not deflated are left alone.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import { undeflate } from '../../../src/core/dicom/undeflate';
import { stringValue } from '../../../src/core/dicom/values';
import { parseSource } from '../../../src/core/dicom/inflating';
import { zlibInflate } from '../../../workers/platform';
import * as V from '../../fixtures/vendor';
import { DCMDUMP, hasDcmdump, tempFiles } from '../../fixtures/tools';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpus = process.env.DICOM_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');
const CORPUS_DFL = path.join(corpus, 'pydicom/test_files/image_dfl.dcm');
if (!existsSync(CORPUS_DFL))
  console.warn(
    `\n!! SKIPPED: undeflate over image_dfl.dcm: not at ${CORPUS_DFL} (set DICOM_CORPUS)\n`,
  );

async function check(src: Uint8Array) {
  const out = await undeflate(src, zlibInflate, 1 << 26);
  expect(out).not.toBeNull();
  const p = parseDicomBytes(out!);
  if (p.kind !== 'parsed') throw new Error(`rewritten file: ${p.kind}`);
  expect(p.dicom.transferSyntaxUid).toBe(V.EXPLICIT_LE);
  // The group length names exactly the meta group's bytes.
  const meta = p.dicom.meta!;
  const gl = meta.byTag.get(0x00020000)!;
  const last = meta.elements.at(-1)!;
  expect(new DataView(out!.buffer).getUint32(gl.valueOffset, true)).toBe(last.end - gl.end);
  // The same dataset as the inflated source, element for element and byte for byte.
  const ref = await parseSource(src, zlibInflate);
  if (ref.kind !== 'parsed') throw new Error(ref.kind);
  expect(p.dicom.dataset.elements.map((e) => [e.tag, e.vr, e.length])).toEqual(
    ref.dicom.dataset.elements.map((e) => [e.tag, e.vr, e.length]),
  );
  const px = p.dicom.pixelData!;
  const rx = ref.dicom.pixelData!;
  expect(
    Buffer.from(p.dicom.datasetBytes.subarray(px.valueOffset, px.valueOffset + px.length)).equals(
      Buffer.from(ref.dicom.datasetBytes.subarray(rx.valueOffset, rx.valueOffset + rx.length)),
    ),
  ).toBe(true);
  const sop = (d: typeof p.dicom) =>
    stringValue(d.datasetBytes, d.dataset.byTag.get(0x00080018)!, d.dataset);
  expect(sop(p.dicom)).toBe(sop(ref.dicom));
  return out!;
}

describe('undeflate', () => {
  test('a generated deflated file, with and without bytes after the stream', async () => {
    await check(V.deflated());
    await check(V.deflatedWithTrailingBytes());
  });

  test('a file that is not deflated is left alone', async () => {
    expect(await undeflate(V.ctFile(), zlibInflate, 1 << 26)).toBeNull();
  });

  test.skipIf(!existsSync(CORPUS_DFL))(
    "pydicom's image_dfl.dcm, read back by dcmdump",
    async () => {
      const out = await check(new Uint8Array(readFileSync(CORPUS_DFL)));
      if (!hasDcmdump) return;
      const t = tempFiles([{ name: 'dfl.dcm', bytes: out }]);
      try {
        const r = spawnSync(DCMDUMP, ['-q', '+E', t.paths[0]!], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain('LittleEndianExplicit');
      } finally {
        t.cleanup();
      }
    },
  );
});
