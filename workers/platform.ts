// The two platform edges the indexing worker needs, written against web standards that
// exist in every worker: Blob reads and a size-capped DecompressionStream.
import type { ByteSource, Inflate } from '../src/core/index/record';

export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
  };
}

/** Same code as Node's zlib uses, which is what indexFile looks for. */
export class InflateLimitError extends Error {
  readonly code = 'ERR_BUFFER_TOO_LARGE';
}

/** Inflates raw DEFLATE data, stopping as soon as the output would pass `maxBytes`. */
export const inflateRaw: Inflate = async (data, maxBytes) => {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new InflateLimitError(`inflated data exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
};
