import { inflateRawSync } from 'node:zlib';
import type { Inflate } from '../../../src/core/index/record';

/** Node's raw inflate with an output cap: over the cap it throws code ERR_BUFFER_TOO_LARGE. */
export const inflate: Inflate = async (data, maxBytes) =>
  new Uint8Array(inflateRawSync(data, { maxOutputLength: maxBytes }));
