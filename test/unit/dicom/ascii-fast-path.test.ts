// Short ASCII values skip the platform decoder (charset.ts asciiText): for every character
// set the index knows, the fast path must give what the decoder gives.
import { describe, expect, test } from 'vitest';
import { asciiText, decodeAscii, decodeText } from '../../../src/core/dicom/charset';

/** Defined terms and the WHATWG label each designates (as charset.ts maps them). */
const TERMS: [string, string][] = [
  ['', 'windows-1252'],
  ['ISO_IR 100', 'iso-8859-1'],
  ['ISO_IR 101', 'iso-8859-2'],
  ['ISO_IR 109', 'iso-8859-3'],
  ['ISO_IR 110', 'iso-8859-4'],
  ['ISO_IR 144', 'iso-8859-5'],
  ['ISO_IR 127', 'iso-8859-6'],
  ['ISO_IR 126', 'iso-8859-7'],
  ['ISO_IR 138', 'iso-8859-8'],
  ['ISO_IR 148', 'iso-8859-9'],
  ['ISO_IR 203', 'iso-8859-15'],
  ['ISO_IR 166', 'windows-874'],
  ['ISO_IR 13', 'shift_jis'],
  ['ISO_IR 149', 'euc-kr'],
  ['ISO_IR 58', 'gb18030'],
  ['ISO_IR 192', 'utf-8'],
  ['GB18030', 'gb18030'],
  ['GBK', 'gbk'],
];

/** Every ASCII byte except ESC (which starts a code extension), in runs of every length. */
function samples(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const all = [...Array(128).keys()].filter((b) => b !== 0x1b);
  for (let len = 0; len <= 70; len++) {
    out.push(Uint8Array.from({ length: len }, (_, i) => all[(i * 37 + len) % all.length]!));
  }
  return out;
}

describe('ASCII fast path', () => {
  test('agrees with the platform decoder for every known character set', () => {
    const differ: string[] = [];
    for (const [term, label] of TERMS) {
      const platform = new TextDecoder(label);
      for (const bytes of samples()) {
        if (decodeText(bytes, [term], 'multi') !== platform.decode(bytes))
          differ.push(`${term}: ${bytes.join(',')}`);
      }
    }
    expect(differ).toEqual([]);
    for (const bytes of samples()) {
      expect(decodeAscii(bytes)).toBe(new TextDecoder('windows-1252').decode(bytes));
    }
  });

  test('leaves non-ASCII and long values to the decoder', () => {
    expect(asciiText(Uint8Array.of(0x41, 0xe9))).toBeNull();
    expect(asciiText(new Uint8Array(65).fill(0x41))).toBeNull();
    expect(decodeText(Uint8Array.of(0x41, 0xe9), ['ISO_IR 100'], 'multi')).toBe('Aé');
    expect(decodeAscii(Uint8Array.of(0x80))).toBe(
      new TextDecoder('windows-1252').decode(Uint8Array.of(0x80)),
    );
  });
});
