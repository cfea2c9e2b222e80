// The viewer's codecs behind core's FrameDecoder: the same @cornerstonejs/codec-* WASM
// builds (and the JPEG Lossless decoder) that Cornerstone3D's image loader runs for the
// viewer, so a thumbnail decodes exactly as the viewer would. `locate` says where a .wasm
// file is: our own origin under cornerstone-wasm/ in the browser (vite.config.ts serves and
// emits them, the CSP allows 'wasm-unsafe-eval'), the package's file in Node tests.
import type { Codec, DecodedPixels, EncodedFrame, FrameDecoder } from '../src/core/image/codec';

export type Locate = (wasmFile: string) => string;

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

/** The part of an Embind decoder object the codecs share. */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): FrameInfo;
  decode(): void;
  getInterleaveMode?(): number;
  delete(): void;
}

type Factory = (o: {
  locateFile: (f: string) => string;
  print: (s: string) => void;
  printErr: (s: string) => void;
}) => Promise<Record<string, unknown>>;

interface Wasm {
  wasm: string;
  load: () => Promise<unknown>;
  decoder: string;
}

/** The codecs that are not Emscripten WASM builds (plain JavaScript decoders). */
type JsCodec = 'jpeg-lossless' | 'jpeg-extended-12';

const WASM: Record<Exclude<Codec, JsCodec>, Wasm> = {
  'jpeg-baseline': {
    wasm: 'libjpegturbowasm_decode.wasm',
    load: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
    decoder: 'JPEGDecoder',
  },
  'jpeg-ls': {
    wasm: 'charlswasm_decode.wasm',
    load: () => import('@cornerstonejs/codec-charls/decodewasmjs'),
    decoder: 'JpegLSDecoder',
  },
  'jpeg-2000': {
    wasm: 'openjpegwasm_decode.wasm',
    load: () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
    decoder: 'J2KDecoder',
  },
  htj2k: {
    wasm: 'openjphjs.wasm',
    load: () => import('@cornerstonejs/codec-openjph/wasmjs'),
    decoder: 'HTJ2KDecoder',
  },
};

const message = (e: unknown) =>
  e instanceof Error ? e.message : typeof e === 'string' ? e : 'the codec failed';

export class WasmFrameDecoder implements FrameDecoder {
  private readonly modules = new Map<Codec, Promise<Record<string, unknown>>>();

  constructor(private readonly locate: Locate) {}

  private module(codec: Exclude<Codec, JsCodec>): Promise<Record<string, unknown>> {
    let m = this.modules.get(codec);
    if (!m) {
      const w = WASM[codec];
      m = w.load().then((mod) => {
        const factory = ((mod as { default?: unknown }).default ?? mod) as Factory;
        return factory({
          locateFile: (f) => (f.endsWith('.wasm') ? this.locate(w.wasm) : f),
          // OpenJPEG logs every header it reads; a failure comes back as a reason instead.
          print: () => {},
          printErr: () => {},
        });
      });
      // A codec that failed to load may load next time (a network hiccup).
      m.catch(() => this.modules.delete(codec));
      this.modules.set(codec, m);
    }
    return m;
  }

  async decode(f: EncodedFrame): Promise<DecodedPixels | string> {
    try {
      if (f.codec === 'jpeg-lossless') return await this.lossless(f);
      if (f.codec === 'jpeg-extended-12') return await this.twelveBit(f);
      return await this.wasm(f.codec, f);
    } catch (e) {
      // A corrupt stream is an expected failure: the reviewer is told, not the console.
      return `${f.name} could not be decoded: ${message(e)}`;
    }
  }

  private async wasm(codec: Exclude<Codec, JsCodec>, f: EncodedFrame) {
    const mod = await this.module(codec);
    const Decoder = mod[WASM[codec].decoder] as new () => WasmDecoder;
    const decoder = new Decoder();
    try {
      decoder.getEncodedBuffer(f.bytes.length).set(f.bytes);
      decoder.decode();
      const info = decoder.getFrameInfo();
      // OpenJPEG reports a stream it could not read as a 0x0 image rather than failing.
      if (!info.width || !info.height) return `${f.name} could not be decoded`;
      // The decoded buffer is a view into WASM memory: copy it before the decoder is freed.
      const data = decoder.getDecodedBuffer().slice();
      const interleave = decoder.getInterleaveMode?.() ?? 1;
      return {
        columns: info.width,
        rows: info.height,
        components: info.componentCount,
        bytesPerSample: info.bitsPerSample > 8 ? 2 : 1,
        // CharLS without interleaving returns one plane per component.
        planar: codec === 'jpeg-ls' && info.componentCount > 1 && interleave === 0,
        // libjpeg-turbo outputs RGB; OpenJPEG and OpenJPH undo the colour transform.
        rgb: codec !== 'jpeg-ls' && info.componentCount === 3,
        data,
      } satisfies DecodedPixels;
    } finally {
      decoder.delete();
    }
  }

  /**
   * JPEG Extended 12-bit: the viewer's own decoder for it, the JavaScript JpegImage that
   * Cornerstone's dicom-image-loader loads for this syntax (decodeJPEGBaseline12Bit-js).
   * The package's exports do not list it, so it is imported by its file, as the loader does.
   */
  private async twelveBit(f: EncodedFrame): Promise<DecodedPixels | string> {
    const { default: JpegImage } =
      await import('../node_modules/@cornerstonejs/dicom-image-loader/dist/esm/codecs/jpeg.js');
    const jpeg = new JpegImage() as InstanceType<typeof JpegImage> & { colorTransform: boolean };
    jpeg.parse(f.bytes);
    // As the loader does: samples as stored, no colour transform (grey is all it reads).
    jpeg.colorTransform = false;
    const g = f.geometry;
    const out = jpeg.getData16(g.columns, g.rows);
    return {
      columns: jpeg.width as number,
      rows: jpeg.height as number,
      components: jpeg.components.length,
      bytesPerSample: 2,
      planar: false,
      rgb: false,
      data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
    };
  }

  private async lossless(f: EncodedFrame): Promise<DecodedPixels | string> {
    const { Decoder } = await import('@cornerstonejs/jpeg-lossless-decoder-js');
    const g = f.geometry;
    const bytes = g.bitsAllocated <= 8 ? 1 : 2;
    const copy = f.bytes.slice();
    const out = new Decoder().decode(copy.buffer, 0, copy.length, bytes);
    const data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    return {
      columns: g.columns,
      rows: g.rows,
      components: g.samplesPerPixel,
      bytesPerSample: bytes,
      planar: false,
      rgb: false,
      data,
    };
  }
}
