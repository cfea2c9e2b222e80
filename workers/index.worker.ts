// Indexing worker: a thin comlink shell over src/core's indexFile.
import * as Comlink from 'comlink';
import { indexFile, PREFIX_BYTES, WHOLE_FILE_BYTES } from '../src/core/index/index-file';
import type { IndexOutcome } from '../src/core/index/record';
import { blobSource, inflateRaw } from './platform';

const api = {
  index(file: Blob): Promise<IndexOutcome> {
    return indexFile(blobSource(file), { inflate: inflateRaw });
  },
  /** The benchmark's baseline: the same first read as indexing, with no parsing. */
  async probe(file: Blob): Promise<number> {
    const end = file.size <= WHOLE_FILE_BYTES ? file.size : PREFIX_BYTES;
    return (await blobSource(file).read(0, Math.min(end, file.size))).byteLength;
  },
};

export type IndexWorkerApi = typeof api;
Comlink.expose(api);
