// Specific Character Set (0008,0005) decoding, PS3.5 6.1 and PS3.3 C.12.1.1.2.
// Values are decoded with the platform TextDecoder. ISO 2022 code extensions are handled
// by a small state machine over the G0 (bytes < 0x80) and G1 (bytes >= 0x80) sets:
// runs of bytes that one TextDecoder label can read are gathered and decoded together.

type G0 = 'ascii' | 'jis0208' | 'jis0212';
/** A TextDecoder label for bytes >= 0x80 (and ASCII below), e.g. 'iso-8859-5', 'euc-kr'. */
type G1 = string;

interface State {
  g0: G0;
  g1: G1;
}

/** Defined terms -> the G1 decoder they designate (WHATWG labels, same in Node and Chromium). */
const SINGLE_BYTE: Record<string, string> = {
  '': 'windows-1252',
  'ISO_IR 6': 'windows-1252',
  'ISO_IR 100': 'iso-8859-1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'windows-874',
  // JIS X 0201: katakana in G1, romaji in G0; shift_jis reads both single bytes.
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 149': 'euc-kr',
  'ISO_IR 58': 'gb18030',
};

/** Character sets that cannot be combined with code extensions: decode the whole value. */
const STAND_ALONE: Record<string, string> = {
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/** Escape sequences (without ESC) that designate a G1 set. */
const G1_ESCAPES: Record<string, string> = {
  '-A': 'iso-8859-1',
  '-B': 'iso-8859-2',
  '-C': 'iso-8859-3',
  '-D': 'iso-8859-4',
  '-F': 'iso-8859-7',
  '-G': 'iso-8859-6',
  '-H': 'iso-8859-8',
  '-L': 'iso-8859-5',
  '-M': 'iso-8859-9',
  '-T': 'windows-874',
  '-b': 'iso-8859-15',
  ')I': 'shift_jis',
  '$)C': 'euc-kr',
  '$)A': 'gb18030',
};

const G0_ESCAPES: Record<string, G0> = {
  '(B': 'ascii',
  '(J': 'ascii',
  $B: 'jis0208',
  '$@': 'jis0208',
  '$(D': 'jis0212',
};

const decoders = new Map<string, TextDecoder>();

function decoder(label: string): TextDecoder {
  let d = decoders.get(label);
  if (!d) {
    try {
      d = new TextDecoder(label);
    } catch {
      d = new TextDecoder('windows-1252');
    }
    decoders.set(label, d);
  }
  return d;
}

/** "ISO 2022 IR 100" and "ISO_IR 100" designate the same set. */
function normalise(term: string): string {
  const t = term.trim().toUpperCase();
  const m = /^ISO 2022 IR (\d+)$/.exec(t);
  if (m) return m[1] === '6' ? '' : `ISO_IR ${m[1]}`;
  if (t === 'ISO 2022 GBK') return 'GBK';
  if (t === 'ISO 2022 58') return 'ISO_IR 58';
  return t === 'ISO_IR 6' ? '' : t;
}

/** Parsed Specific Character Set: the terms as written, first term possibly empty. */
export function parseCharsetTerms(value: string): string[] {
  return value.split('\\').map(normalise);
}

/** Which bytes return the decoder to its initial state (PS3.5 6.1.2.5.3). */
export type Delimiters = 'pn' | 'multi' | 'text';

function isDelimiter(b: number, kind: Delimiters): boolean {
  if (b === 0x0d || b === 0x0a || b === 0x0c || b === 0x09) return true;
  if (kind === 'text') return false;
  if (b === 0x5c) return true;
  return kind === 'pn' && (b === 0x5e || b === 0x3d);
}

/** Decodes a text value (SH, LO, ST, LT, UT, UC, PN) under the given character set terms. */
export function decodeText(bytes: Uint8Array, terms: readonly string[], kind: Delimiters): string {
  const first = terms[0] ?? '';
  const standAlone = STAND_ALONE[first];
  if (standAlone) return fastText(bytes, standAlone) ?? decoder(standAlone).decode(bytes);
  const initial: State = { g0: 'ascii', g1: SINGLE_BYTE[first] ?? 'windows-1252' };
  if (!bytes.includes(0x1b))
    return fastText(bytes, initial.g1) ?? decoder(initial.g1).decode(bytes);

  let out = '';
  let run: number[] = [];
  let runLabel = '';
  let pairOdd = false;
  const flush = (): void => {
    if (run.length > 0) out += decoder(runLabel).decode(new Uint8Array(run));
    run = [];
    pairOdd = false;
  };
  const push = (label: string, ...bs: number[]): void => {
    if (label !== runLabel) {
      flush();
      runLabel = label;
    }
    run.push(...bs);
  };
  let state: State = { ...initial };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x1b) {
      const esc = readEscape(bytes, i + 1);
      if (esc === null) {
        push(state.g1, 0x3f);
        continue;
      }
      if (esc.g0 !== undefined) state = { ...state, g0: esc.g0 };
      if (esc.g1 !== undefined) state = { ...state, g1: esc.g1 };
      flush();
      i += esc.length;
      continue;
    }
    if (b < 0x80 && state.g0 !== 'ascii') {
      // Two-byte G0 set (JIS X 0208 / 0212): the EUC-JP form sets the high bits.
      if (state.g0 === 'jis0212' && (runLabel !== 'euc-jp' || !pairOdd)) {
        push('euc-jp', 0x8f, b | 0x80);
      } else push('euc-jp', b | 0x80);
      pairOdd = !pairOdd;
      continue;
    }
    if (isDelimiter(b, kind)) state = { ...initial };
    push(state.g1, b);
  }
  flush();
  return out;
}

function readEscape(bytes: Uint8Array, at: number): { length: number; g0?: G0; g1?: G1 } | null {
  for (const n of [2, 3]) {
    let key = '';
    for (let k = 0; k < n; k++) key += String.fromCharCode(bytes[at + k] ?? 0);
    const g0 = G0_ESCAPES[key];
    if (g0) return { length: n, g0 };
    const g1 = G1_ESCAPES[key];
    if (g1) return { length: n, g1 };
  }
  return null;
}

/** Decodes bytes that the standard limits to the default repertoire (CS, UI, DA...). */
export function decodeAscii(bytes: Uint8Array): string {
  return asciiText(bytes) ?? decoder('windows-1252').decode(bytes);
}

/** Values up to this long are checked for the ASCII fast path. */
const FAST_ASCII_MAX = 64;

/**
 * Decoders that map every ASCII byte to the same code point, in Node as in browsers (Node's
 * Shift_JIS does not: 0x1A becomes U+001C). test/unit/dicom/ascii-fast-path.test.ts checks.
 */
const ASCII_TRANSPARENT = new Set([
  'windows-1252',
  'iso-8859-1',
  'iso-8859-2',
  'iso-8859-3',
  'iso-8859-4',
  'iso-8859-5',
  'iso-8859-6',
  'iso-8859-7',
  'iso-8859-8',
  'iso-8859-9',
  'iso-8859-15',
  'windows-874',
  'utf-8',
]);

function fastText(bytes: Uint8Array, label: string): string | null {
  return ASCII_TRANSPARENT.has(label) ? asciiText(bytes) : null;
}

/**
 * A short value of ASCII bytes only, as a string; null otherwise. A header has hundreds of
 * short ASCII values, and a native decode call each cost more than the decoding.
 */
export function asciiText(bytes: Uint8Array): string | null {
  const n = bytes.length;
  if (n > FAST_ASCII_MAX) return null;
  for (let i = 0; i < n; i++) if (bytes[i]! >= 0x80) return null;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}
