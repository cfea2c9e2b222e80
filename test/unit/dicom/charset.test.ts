// Specific Character Set decoding: synthetic cases, then every file of pydicom's charset
// corpus compared with pydicom itself, attribute by attribute at every depth.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeText, parseCharsetTerms } from '../../../src/core/dicom/charset';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import type { DataSet } from '../../../src/core/dicom/types';
import { stringValue } from '../../../src/core/dicom/values';
import { CHARSET_VRS } from '../../../src/core/dicom/vr';
import { pydicomAvailable, pydicomTexts } from './pydicom';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpus = process.env.DICOM_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');
const charsetDir = path.join(corpus, 'pydicom/charset_files');

const bytes = (...b: number[]) => Uint8Array.from(b);
const latin = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('charset: synthetic', () => {
  test('default repertoire and single-byte sets', () => {
    expect(decodeText(latin('Buc^J\xe9r\xf4me'), parseCharsetTerms('ISO_IR 100'), 'pn')).toBe(
      'Buc^Jérôme',
    );
    expect(decodeText(latin('\xbb\xee\xda'), parseCharsetTerms('ISO_IR 144'), 'pn')).toBe('Люк');
    expect(decodeText(latin('\xc4\xe9\xef'), parseCharsetTerms('ISO_IR 126'), 'pn')).toBe('Διο');
    expect(decodeText(latin('\xf9\xf8'), parseCharsetTerms('ISO_IR 138'), 'pn')).toBe('שר');
    expect(decodeText(latin('\xe2\xc8'), parseCharsetTerms('ISO_IR 127'), 'pn')).toBe('قب');
    expect(decodeText(latin('\xa1'), parseCharsetTerms('ISO_IR 166'), 'pn')).toBe('ก');
  });

  test('stand-alone UTF-8 and GB18030 ignore ESC handling', () => {
    expect(decodeText(new TextEncoder().encode('王^小東'), ['ISO_IR 192'], 'pn')).toBe('王^小東');
    expect(decodeText(latin('\xcd\xf5'), parseCharsetTerms('GB18030'), 'pn')).toBe('王');
  });

  test('ISO 2022 IR 87: JIS X 0208 after ESC $ B, back to ASCII at ESC ( B', () => {
    const v = latin('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B');
    expect(decodeText(v, parseCharsetTerms('\\ISO 2022 IR 87'), 'pn')).toBe(
      'Yamada^Tarou=山田^太郎',
    );
  });

  test('a "^" byte inside a two-byte JIS X 0208 character is not a delimiter', () => {
    // "$^" is hiragana ま in JIS X 0208.
    expect(
      decodeText(latin('\x1b$B$d$^$@\x1b(B'), parseCharsetTerms('\\ISO 2022 IR 87'), 'pn'),
    ).toBe('やまだ');
  });

  test('ISO 2022 IR 13: half-width katakana in G1 without escapes', () => {
    expect(
      decodeText(
        latin('\xd4\xcf\xc0\xde'),
        parseCharsetTerms('ISO 2022 IR 13\\ISO 2022 IR 87'),
        'pn',
      ),
    ).toBe('ﾔﾏﾀﾞ');
  });

  test('ISO 2022 IR 149: KS X 1001 in G1 after ESC $ ) C, reset at "^" and "="', () => {
    const v = latin('Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7');
    expect(decodeText(v, parseCharsetTerms('\\ISO 2022 IR 149'), 'pn')).toBe(
      'Hong^Gildong=洪^吉洞',
    );
  });

  test('ISO 2022 IR 159: JIS X 0212 after ESC $ ( D', () => {
    // 0x2237 in JIS X 0212 is "~" (tilde, U+FF5E in some maps); decoded via EUC-JP 0x8F A2 B7.
    const out = decodeText(
      bytes(0x1b, 0x24, 0x28, 0x44, 0x30, 0x21, 0x1b, 0x28, 0x42),
      parseCharsetTerms('\\ISO 2022 IR 159'),
      'pn',
    );
    expect(out).toBe(new TextDecoder('euc-jp').decode(bytes(0x8f, 0xb0, 0xa1)));
  });

  test('ISO 2022 IR 58: GB2312 in G1 after ESC $ ) A', () => {
    expect(decodeText(latin('\x1b$)A\xcd\xf5'), parseCharsetTerms('\\ISO 2022 IR 58'), 'pn')).toBe(
      '王',
    );
  });

  test('code extension switching between single-byte sets, reset at "\\" in multi-valued text', () => {
    const v = latin('\x1b-L\xbb\xee\\abc\xe9');
    expect(decodeText(v, parseCharsetTerms('ISO 2022 IR 100\\ISO 2022 IR 144'), 'multi')).toBe(
      'Лю\\abcé',
    );
  });

  test('an unknown escape never throws', () => {
    expect(decodeText(latin('a\x1b%Zb'), parseCharsetTerms('\\ISO 2022 IR 87'), 'pn')).toContain(
      'a',
    );
  });
});

const missing = !readdirSafe(charsetDir).length
  ? `corpus folder ${charsetDir} is absent`
  : pydicomAvailable();
if (missing) {
  console.warn(
    `\n${'!'.repeat(72)}\n!! SKIPPED: charset corpus comparison with pydicom: ${missing}\n${'!'.repeat(72)}\n`,
  );
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isPrivatePath(key: string): boolean {
  const last = key.split('.').pop() ?? key;
  return parseInt(last.slice(0, 4), 16) % 2 === 1;
}

/** Every text attribute at every depth, keyed like the pydicom side: "00400275[0].00100010". */
function ourTexts(
  stream: Uint8Array,
  ds: DataSet,
  prefix: string,
  out: Record<string, string>,
): Record<string, string> {
  for (const el of ds.elements) {
    const key = prefix + el.tag.toString(16).toUpperCase().padStart(8, '0');
    if (el.items) el.items.forEach((item, i) => ourTexts(stream, item, `${key}[${i}].`, out));
    else if (CHARSET_VRS.has(el.vr)) out[key] = stringValue(stream, el, ds);
  }
  return out;
}

describe.skipIf(missing !== null)(
  'charset: every corpus file decodes as pydicom decodes it',
  () => {
    const files = readdirSafe(charsetDir)
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => path.join(charsetDir, f));
    const expected = missing ? {} : pydicomTexts(files);
    test.each(files.map((f) => [path.basename(f), f]))('%s', (_name, file) => {
      const buf = new Uint8Array(readFileSync(file));
      const out = parseDicomBytes(buf);
      if (out.kind !== 'parsed') throw new Error(JSON.stringify(out));
      const ours = ourTexts(out.dicom.datasetBytes, out.dicom.dataset, '', {});
      // pydicom also has private dictionaries and so decodes private tags we keep as UN bytes;
      // those are not character set questions, so only what both sides type as text counts.
      const theirs = Object.fromEntries(
        Object.entries(expected[file] ?? {}).filter(([k]) => !isPrivatePath(k) || k in ours),
      );
      expect(Object.keys(theirs).length).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
    });
  },
);
