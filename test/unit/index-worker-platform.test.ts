// blobSource reads a whole file without slicing (see workers/platform.ts): the bytes must be
// exactly those a slice would give, for whole files, prefixes and reads from an offset.
import { describe, expect, test } from 'vitest';
import { blobSource } from '../../workers/platform';

function bytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

/** A blob made of many parts, so its stream yields several chunks. */
function blobOf(data: Uint8Array<ArrayBuffer>, parts = 7): Blob {
  const step = Math.ceil(data.length / parts);
  const list: Uint8Array<ArrayBuffer>[] = [];
  for (let i = 0; i < data.length; i += step) list.push(data.slice(i, i + step));
  return new Blob(list);
}

/** Byte equality (toEqual on a megabyte of bytes takes seconds). */
function expectSame(got: Uint8Array, want: Uint8Array) {
  expect(got.length).toBe(want.length);
  expect(Buffer.compare(got, want)).toBe(0);
}

describe('blobSource', () => {
  const data = bytes(1_000_003);
  const src = blobSource(blobOf(data));

  test('reads the whole blob', async () => {
    expect(src.size).toBe(data.length);
    expectSame(await src.read(0, data.length), data);
  });

  test.each([0, 1, 1000, 65_536, 142_858, 142_859, 500_000, 1_000_002])(
    'reads a prefix of %i bytes exactly',
    async (end) => {
      expectSame(await src.read(0, end), data.slice(0, end));
    },
  );

  test('a prefix past the end gives the whole blob, as a slice would', async () => {
    const small = bytes(1000);
    expectSame(await blobSource(blobOf(small)).read(0, 5000), small);
  });

  test('reads from an offset', async () => {
    expectSame(await src.read(70_000, 200_000), data.slice(70_000, 200_000));
  });

  test('an empty blob reads as empty', async () => {
    expectSame(await blobSource(new Blob([])).read(0, 0), new Uint8Array(0));
  });
});
