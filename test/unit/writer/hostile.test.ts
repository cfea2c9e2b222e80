// The hostile-input catalogue is itself checked: each case is what its name says, judged
// by independent readers (DCMTK, pydicom) and by inflating the bomb for real.
import { createInflateRaw } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hostileCases, type HostileCase } from '../../fixtures/hostile';
import { dcmdump, hasDcmdump, hasPydicom, pydicomRun, tempFiles } from '../../fixtures/tools';

const cases = hostileCases();
const byName = new Map(cases.map((c) => [c.name, c]));
const expects = (c: HostileCase): readonly string[] =>
  typeof c.expect === 'string' ? [c.expect] : c.expect;
const mustParse = cases.filter((c) => expects(c).length === 1 && expects(c)[0] === 'instance');
/** Broken in their bytes (not merely in their meaning), so a generic reader fails too. */
const structural = cases.filter((c) =>
  expects(c).every((e) =>
    [
      'truncated',
      'bad-length',
      'not-dicom',
      'empty',
      'too-short',
      'deflate-corrupt',
      'unsupported-transfer-syntax',
    ].includes(e),
  ),
);

function get(name: string): HostileCase {
  const c = byName.get(name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
}

describe('hostile catalogue', () => {
  it('covers the required cases with unique names', () => {
    expect(byName.size).toBe(cases.length);
    const required = [
      'empty',
      'too-short',
      'not-dicom',
      'bad-length',
      'truncated',
      'nesting-too-deep',
      'deflate-too-large',
      'unsupported-transfer-syntax',
      'bad-vr',
      'missing-uid',
      'instance',
    ];
    for (const code of required)
      expect(
        cases.some((c) => expects(c).includes(code)),
        code,
      ).toBe(true);
  });

  it('builds the deep nestings as claimed', () => {
    const deep = get('nesting-50000');
    // Each level: a 12-byte SQ header, an 8-byte item header and 16 bytes of delimiters.
    expect(deep.bytes.length).toBeGreaterThan(50_000 * 36);
    expect(get('nesting-65').bytes.length - get('nesting-8').bytes.length).toBe(57 * 36);
  });

  it('makes a deflate bomb of a few MB that inflates past 1 GB', async () => {
    const bomb = get('deflate-bomb').bytes;
    expect(bomb.length).toBeLessThan(4 << 20);
    const metaEnd = 132 + 12 + new DataView(bomb.buffer, bomb.byteOffset).getUint32(140, true);
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      const inflate = createInflateRaw({ chunkSize: 1 << 20 });
      inflate.on('data', (chunk: Buffer) => (total += chunk.length));
      inflate.on('end', resolve);
      inflate.on('error', reject);
      inflate.end(bomb.subarray(metaEnd));
    });
    expect(total).toBeGreaterThan(1 << 30);
  });
});

describe.skipIf(!hasDcmdump)('dcmdump agrees with the catalogue', () => {
  it('reads every case that must parse', () => {
    const { paths, cleanup } = tempFiles(mustParse.map((c) => ({ name: c.name, bytes: c.bytes })));
    try {
      paths.forEach((p, i) => expect(dcmdump([p]).status, mustParse[i]?.name).toBe(0));
    } finally {
      cleanup();
    }
  });

  it('fails on every structurally broken case', () => {
    const { paths, cleanup } = tempFiles(structural.map((c) => ({ name: c.name, bytes: c.bytes })));
    try {
      paths.forEach((p, i) => expect(dcmdump([p]).status, structural[i]?.name).not.toBe(0));
    } finally {
      cleanup();
    }
  });
});

describe.skipIf(!hasPydicom)('pydicom agrees with the catalogue', () => {
  it('reads every case that must parse, values intact', () => {
    const { paths, cleanup } = tempFiles(mustParse.map((c) => ({ name: c.name, bytes: c.bytes })));
    try {
      paths.forEach((p, i) => {
        const r = pydicomRun(
          `import sys, pydicom
ds = pydicom.dcmread(sys.argv[1], force=True)
ds.decode()
print(ds.PatientID, len(ds))`,
          p,
        );
        // pydicom warns (and replaces) on invalid UTF-8; only a failure matters here.
        expect(r.stderr, mustParse[i]?.name).not.toMatch(/Traceback|Error/);
        expect(r.stdout, mustParse[i]?.name).toMatch(/^H-0001 \d+/);
      });
    } finally {
      cleanup();
    }
  });
});
