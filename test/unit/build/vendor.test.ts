// vendor/ holds two published packages whose `engines` named their build tooling's Node
// (issue 11 §3, EBADENGINE; see vendor/README.md). These tests keep the copies what the README
// says they are (upstream's bytes), the only copies installed, and working under our Node.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '../../..');
const vendor = join(root, 'vendor');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { name?: string; version?: string; resolved?: string; link?: boolean }>;
};

describe('vendor', () => {
  it('holds upstream bytes: every file in the README table has the hash it states', () => {
    const readme = readFileSync(join(vendor, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| ([\w./-]+) +\| [^|]+\| ([0-9a-f]{64}) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual([
      'dcmjs/build/dcmjs.es.js',
      'codec-libjxl/dist/jpegxlwasm_decode.js',
      'codec-libjxl/dist/jpegxlwasm_decode.wasm',
    ]);
    for (const [, file, sha] of rows) {
      const got = createHash('sha256')
        .update(readFileSync(join(vendor, file!)))
        .digest('hex');
      expect(got, file).toBe(sha);
    }
  });

  it('is the only copy installed: the lock links every dcmjs and codec-libjxl to it', () => {
    const copies = Object.entries(lock.packages).filter(([path]) =>
      /(^|\/)(dcmjs|@cornerstonejs\/codec-libjxl)$/.test(path),
    );
    expect(Object.fromEntries(copies.map(([path, p]) => [path, p.resolved ?? p.version]))).toEqual({
      'node_modules/dcmjs': 'vendor/dcmjs',
      'node_modules/@cornerstonejs/codec-libjxl': 'vendor/codec-libjxl',
      'vendor/dcmjs': '0.52.2',
    });
  });

  it('decodes JPEG XL in Node with the vendored decoder (lossless, 12-bit)', async () => {
    type Decoder = {
      getEncodedBuffer(n: number): Uint8Array;
      decode(): void;
      getFrameInfo(): { width: number; height: number; bitsPerSample: number };
      getDecodedBuffer(): Uint8Array;
    };
    const dist = join(vendor, 'codec-libjxl/dist');
    const url = pathToFileURL(join(dist, 'jpegxlwasm_decode.js')).href;
    const factory = ((await import(url)) as { default: (m: object) => Promise<unknown> }).default;
    const codec = (await factory({
      wasmBinary: readFileSync(join(dist, 'jpegxlwasm_decode.wasm')),
    })) as { JpegXLDecoder: new () => Decoder };
    // 8x4 pixels, 12 bits, value 100 * index, encoded losslessly by codec-libjxl 1.1.1's encoder.
    const jxl = Buffer.from(
      'ff0a187018142d0208040100b4004b188b15c219322fb82f4d20212121212121675e6dab4ec447068539bc2e' +
        'e90319c807871764b1202121215f07',
      'hex',
    );
    const d = new codec.JpegXLDecoder();
    d.getEncodedBuffer(jxl.length).set(jxl);
    d.decode();
    expect(d.getFrameInfo()).toMatchObject({ width: 8, height: 4, bitsPerSample: 12 });
    const px = new Uint16Array(Uint8Array.from(d.getDecodedBuffer()).buffer);
    expect([...px]).toEqual(Array.from({ length: 32 }, (_, i) => i * 100));
  });
});
