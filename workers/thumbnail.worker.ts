// Review-queue thumbnails off the page: parse one file and draw its middle frame, compressed
// syntaxes decoded by the viewer's WASM codecs (workers/codecs.ts), fetched from our own
// origin under cornerstone-wasm/ as the viewer's are.
import * as Comlink from 'comlink';
import { parseSource } from '../src/core/dicom/inflating';
import { renderThumbnailWith, type NoThumbnail, type Thumbnail } from '../src/core/image/thumbnail';
import { WasmFrameDecoder } from './codecs';
import { inflateRaw } from './platform';

const decoder = new WasmFrameDecoder(
  (file) => new URL(`${import.meta.env.BASE_URL}cornerstone-wasm/${file}`, self.location.href).href,
);

const api = {
  /** The thumbnail of one whole file, or why there is none. */
  async thumbnail(bytes: Uint8Array): Promise<Thumbnail | NoThumbnail> {
    const out = await parseSource(bytes, inflateRaw);
    if (out.kind !== 'parsed')
      return { code: 'unreadable', reason: 'the file could not be read again' };
    const t = await renderThumbnailWith(out.dicom, decoder);
    return 'code' in t ? t : Comlink.transfer(t, [t.rgba.buffer as ArrayBuffer]);
  },
};

export type ThumbnailWorkerApi = typeof api;
Comlink.expose(api);
