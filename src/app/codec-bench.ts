// Decoding rate per codec for `npm run bench`: one 512x512 CT slice in every transfer syntax
// the viewer decodes (encoded by scripts/bench-codecs.js with the codecs' own encoders and
// DCMTK), each decoded in the viewer's workers (Cornerstone3D's loader, WASM codecs), against
// a plain copy of the native frame in the same run. Lossless decodes are checked against the
// samples they were encoded from, so a decoder that fails quietly cannot look fast.
import { ctSlice } from './viewer-bench';
import { ctPhantom } from '../core/demo/phantom';

const Z = 1; // the middle slice of a three-slice stack
const N = 3;

function toB64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const fromB64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** 8-bit samples for JPEG baseline (8-bit only): the 12-bit phantom's top bits. */
const to8 = (raw: Uint16Array) => Uint8Array.from(raw, (v) => Math.min(255, v >> 4));

export interface CodecInput {
  codec: string;
  /** A whole Part 10 file (DCMTK's output), or one encoded frame to wrap here. */
  file?: string;
  frame?: string;
  transferSyntaxUid?: string;
  bits?: 8 | 16;
  lossy?: boolean;
}

/** Memory copies of `bytes` per second, in MB/s: the native frame's plain copy. */
function copyRate(bytes: number): number {
  const src = new Uint8Array(bytes).map((_, i) => i);
  const dst = new Uint8Array(bytes);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 300) {
    for (let k = 0; k < 20; k++) dst.set(src);
    n += 20;
  }
  return (n * bytes) / 1e6 / ((performance.now() - t0) / 1000);
}

const codecBench = {
  /** The native file, its 16-bit samples (little-endian) and the 8-bit version. */
  sample(size: number) {
    const raw16 = ctPhantom(size, size, Z / (N - 1));
    return {
      native: toB64(ctSlice(Z, N, size)),
      raw16: toB64(new Uint8Array(raw16.buffer)),
      raw8: toB64(to8(raw16)),
    };
  },

  async rates(inputs: CodecInput[], size: number, times: number) {
    const { decodeFileRate } = await import('../adapters/viewer/decode-rate');
    const raw16 = ctPhantom(size, size, Z / (N - 1));
    const copyMbPerSecond = copyRate(size * size * 2);
    const out = [];
    for (const input of inputs) {
      const bits = input.bits ?? 16;
      const bytes = input.file
        ? fromB64(input.file)
        : ctSlice(Z, N, size, {
            bits,
            value: { fragments: [fromB64(input.frame!)] },
            transferSyntaxUid: input.transferSyntaxUid!,
          });
      const frameBytes = size * size * (bits / 8);
      try {
        const r = await decodeFileRate(
          new File([bytes as Uint8Array<ArrayBuffer>], `${input.codec}.dcm`),
          times,
        );
        const want = bits === 8 ? to8(raw16) : raw16;
        let wrong = 0;
        for (let i = 0; i < want.length; i++) if (r.stored[i] !== want[i]) wrong++;
        out.push({
          codec: input.codec,
          framesPerSecond: r.perSecond,
          mbPerSecond: (r.perSecond * frameBytes) / 1e6,
          encodedBytes: bytes.length,
          check: input.lossy ? 'lossy' : wrong ? `${wrong} samples differ` : 'lossless',
        });
      } catch (e) {
        // The loader rejects with { error } objects as well as Errors.
        const inner = (e as { error?: unknown })?.error ?? e;
        out.push({
          codec: input.codec,
          error: inner instanceof Error ? inner.message : String(inner),
        });
      }
    }
    return { copyMbPerSecond, results: out };
  },
};

(window as unknown as { trialbenchCodecs: typeof codecBench }).trialbenchCodecs = codecBench;
