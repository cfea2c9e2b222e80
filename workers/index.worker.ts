// Indexing worker: a thin comlink shell over src/core's indexFile. Files come in batches
// (one message per batch, not per file) and are read several at a time inside the worker.
import * as Comlink from 'comlink';
import { indexFileFlat, PREFIX_BYTES, WHOLE_FILE_BYTES } from '../src/core/index/index-file';
import { ValueCache } from '../src/core/index/value-cache';
import { encodeBatch, type WireBatch } from '../src/core/index/wire';
import { blobSource, inflateRaw } from './platform';

/** Reads in flight inside one worker: the browser's file reads, not parsing, are the limit. */
const READS_IN_FLIGHT = 8;

async function mapConcurrent<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, items.length) }, lane));
  return out;
}

/** Kept for the worker's life: files of a series repeat most values, decoded once here. */
const values = new ValueCache();

const indexOne = (file: Blob) => indexFileFlat(blobSource(file), { inflate: inflateRaw, values });

/** The benchmark's baseline: the same first read as indexing, with no parsing. */
async function probeOne(file: Blob): Promise<number> {
  const end = file.size <= WHOLE_FILE_BYTES ? file.size : PREFIX_BYTES;
  return (await blobSource(file).read(0, Math.min(end, file.size))).byteLength;
}

const api = {
  /** A batch of files as one compact message (decodeBatch on the page rebuilds outcomes). */
  indexMany: async (files: Blob[]): Promise<WireBatch> =>
    encodeBatch(await mapConcurrent(files, indexOne)),
  probeMany: (files: Blob[]): Promise<number[]> => mapConcurrent(files, probeOne),
};

export type IndexWorkerApi = typeof api;
Comlink.expose(api);
