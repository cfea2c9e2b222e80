// Compressed frames for the review queue's thumbnails: which codec a transfer syntax needs,
// the encoded bytes of the middle frame, and the decoded samples read back as a Frame.
// The decoding itself is behind FrameDecoder (the viewer's WASM codecs, run in a worker):
// core stays pure and only checks that what came back matches the header.
import type { ParsedDicom } from '../dicom/types';
import { readFragments, offsetTableEntries } from '../deid/pixels/encapsulated';
import {
  compressedName,
  frameFragments,
  geometryOf,
  type Frame,
  type FrameGeometry,
} from './frame';

export type Codec =
  'jpeg-baseline' | 'jpeg-extended-12' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg-2000' | 'htj2k';

const CODECS: Record<string, Codec> = {
  '1.2.840.10008.1.2.4.50': 'jpeg-baseline',
  // 8-bit streams are baseline's; 12-bit ones need the 12-bit decoder (encodedFrame).
  '1.2.840.10008.1.2.4.51': 'jpeg-baseline',
  '1.2.840.10008.1.2.4.57': 'jpeg-lossless',
  '1.2.840.10008.1.2.4.70': 'jpeg-lossless',
  '1.2.840.10008.1.2.4.80': 'jpeg-ls',
  '1.2.840.10008.1.2.4.81': 'jpeg-ls',
  '1.2.840.10008.1.2.4.90': 'jpeg-2000',
  '1.2.840.10008.1.2.4.91': 'jpeg-2000',
  '1.2.840.10008.1.2.4.201': 'htj2k',
  '1.2.840.10008.1.2.4.202': 'htj2k',
  '1.2.840.10008.1.2.4.203': 'htj2k',
};

/** Encoded frames larger than this are not decoded for a thumbnail. */
const MAX_ENCODED_BYTES = 64 * 1024 * 1024;
/** Nor frames that would decode to more samples than this. */
const MAX_DECODED_SAMPLES = 64 * 1024 * 1024;

export function codecOf(transferSyntaxUid: string): Codec | null {
  return CODECS[transferSyntaxUid] ?? null;
}

export interface EncodedFrame {
  codec: Codec;
  /** The transfer syntax in words, for reasons and the alt text. */
  name: string;
  bytes: Uint8Array;
  geometry: FrameGeometry;
  index: number;
}

/** What a codec returned: samples as unsigned little-endian words, in the codec's layout. */
export interface DecodedPixels {
  columns: number;
  rows: number;
  components: number;
  bytesPerSample: 1 | 2;
  /** One plane per component (CharLS without interleave) rather than interleaved. */
  planar: boolean;
  /** The codec turned YCbCr into RGB itself (libjpeg-turbo; JPEG 2000 with a colour transform). */
  rgb: boolean;
  data: Uint8Array;
}

/** Decodes one frame, or says why it cannot (a value, never a throw). */
export interface FrameDecoder {
  decode(frame: EncodedFrame): Promise<DecodedPixels | string>;
}

/** The encoded bytes of the middle frame of a compressed image, or why there are none. */
export function encodedFrame(d: ParsedDicom): EncodedFrame | string {
  const px = d.pixelData;
  const name = compressedName(d.transferSyntaxUid);
  const codec = codecOf(d.transferSyntaxUid);
  if (!codec) return `${name}: no decoder here`;
  if (!px || px.tag !== 0x7fe00010) return 'no pixel data';
  if (!px.undefinedLength) return `${name} without encapsulated fragments: no thumbnail`;
  const g = geometryOf(d);
  if (typeof g === 'string') return g;
  // libjpeg-turbo's 8-bit build cannot read 12-bit samples; the viewer's 12-bit decoder can.
  const twelve = d.transferSyntaxUid === '1.2.840.10008.1.2.4.51' && g.bitsStored > 8;
  if (g.bitsAllocated > 16) return `${name} with BitsAllocated ${g.bitsAllocated}: no thumbnail`;
  if (g.rows * g.columns * g.samplesPerPixel > MAX_DECODED_SAMPLES)
    return `${name} image too large for a thumbnail`;
  const frag = readFragments(d.datasetBytes.subarray(px.valueOffset));
  if (typeof frag === 'string') return `${name}: ${frag}`;
  const index = Math.floor(g.frames / 2);
  const bytes = frameFragments(
    frag.fragments,
    offsetTableEntries(frag.offsetTable),
    g.frames,
    index,
  );
  if (typeof bytes === 'string') return `${name}: ${bytes}`;
  if (bytes.length > MAX_ENCODED_BYTES) return `${name} frame too large for a thumbnail`;
  return { codec: twelve ? 'jpeg-extended-12' : codec, name, bytes, geometry: g, index };
}

/** The decoded samples as a Frame, after checking they are the image the header describes. */
export function decodedFrame(f: EncodedFrame, px: DecodedPixels): Frame | string {
  const g = f.geometry;
  if (px.columns !== g.columns || px.rows !== g.rows)
    return `${f.name} decoded to ${px.columns}×${px.rows}, the header says ${g.columns}×${g.rows}`;
  if (px.components !== g.samplesPerPixel)
    return `${f.name} decoded to ${px.components} component(s), the header says ${g.samplesPerPixel}`;
  const pixels = g.rows * g.columns;
  const samples = pixels * px.components;
  if (px.data.length < samples * px.bytesPerSample) return `${f.name} decoded to too few bytes`;
  const bits = px.bytesPerSample * 8;
  // YBR decoded without conversion is full-resolution YBR_FULL whatever the header says.
  const ph = g.photometric;
  const photometric =
    px.rgb || ph === 'YBR_ICT' || ph === 'YBR_RCT' ? 'RGB' : ph.startsWith('YBR') ? 'YBR_FULL' : ph;
  const geometry: FrameGeometry = {
    ...g,
    bitsAllocated: bits,
    bitsStored: Math.min(g.bitsStored, bits),
    planar: px.planar ? 1 : 0,
    photometric,
  };
  const dv = new DataView(px.data.buffer, px.data.byteOffset, samples * px.bytesPerSample);
  const read =
    px.bytesPerSample === 1
      ? (i: number) => dv.getUint8(i)
      : (i: number) => dv.getUint16(i * 2, true);
  const n = px.components;
  const at = px.planar
    ? (s: number, p: number) => s * pixels + p
    : (s: number, p: number) => p * n + s;
  return { geometry, index: f.index, sample: (s, p) => read(at(s, p)) };
}
