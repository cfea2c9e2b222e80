// The two platform edges the indexing worker needs, written against web standards that
// exist in every worker: Blob reads and a size-capped inflate (DecompressionStream, with
// pako where Chromium is stricter than zlib).
import type { ByteSource, Inflate } from '../src/core/index/record';

/**
 * Reads of a Blob (a File). A whole file is read with `arrayBuffer()`, not through a slice:
 * in Chromium, reading a sliced file blocks the calling thread for most of the read
 * (measured in a worker, 8 reads in flight, 2,000 files of 10 KB: 600 of 870 ms; the whole
 * file's `arrayBuffer()` ~200 of ~450 ms), so the worker could not parse one file while the
 * next was read. A prefix is still a slice: the file's stream would be cheaper for the
 * thread, but it reads far past the prefix (a 512 KB file came as one 512 KB chunk).
 */
export function blobSource(blob: Blob): ByteSource {
  const size = blob.size;
  return {
    size,
    read: async (start, end) =>
      new Uint8Array(
        await (start === 0 && end >= size ? blob : blob.slice(start, end)).arrayBuffer(),
      ),
  };
}

/** Same code as Node's zlib uses, which is what indexFile looks for. */
export class InflateLimitError extends Error {
  readonly code = 'ERR_BUFFER_TOO_LARGE';
}

/**
 * Inflates raw DEFLATE data, stopping as soon as the output would pass `maxBytes`.
 *
 * The browser's own inflater goes first because it is fast. Chromium's refuses any byte after
 * the end of the deflate stream, which zlib ignores; real writers leave such bytes (pydicom's
 * image_dfl.dcm carries 8), and the CLI (Node's zlib) reads those files. So when the native
 * inflater refuses, pako, a port of zlib, decides: it reads to the end of the stream and
 * ignores what follows, so the app and the CLI accept and refuse the same files.
 */
export const inflateRaw: Inflate = async (data, maxBytes) => {
  try {
    return await nativeInflate(data, maxBytes);
  } catch (e) {
    if (e instanceof InflateLimitError) throw e;
    return zlibInflate(data, maxBytes);
  }
};

async function nativeInflate(data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
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
  return join(chunks, total);
}

/**
 * zlib's rules (via pako): bytes after the stream's end are ignored; a stream cut short is
 * not. pako is loaded only when needed, so the workers that rarely meet a deflated file do
 * not carry it.
 */
export async function zlibInflate(data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const { Inflate: PakoInflate } = await import('pako');
  const inflater = new PakoInflate({ raw: true, chunkSize: 1 << 16 });
  const chunks: Uint8Array[] = [];
  let total = 0;
  inflater.onData = (chunk) => {
    const bytes = chunk as Uint8Array;
    total += bytes.byteLength;
    if (total > maxBytes) throw new InflateLimitError(`inflated data exceeds ${maxBytes} bytes`);
    chunks.push(bytes);
  };
  let status: number | undefined;
  inflater.onEnd = (s) => {
    status = s;
  };
  inflater.push(data, true);
  // onEnd says 0 only once the stream's final block was read; a stream cut short never ends,
  // a damaged one ends with a negative status.
  if (status !== 0) throw new InflateCorruptError('deflate stream is damaged');
  return join(chunks, total);
}

/** An inflater's refusal of damaged data (not a limit). */
export class InflateCorruptError extends Error {
  readonly code = 'Z_DATA_ERROR';
}

function join(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
