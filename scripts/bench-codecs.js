// The inputs of the per-codec decode bench: one 512x512 CT slice (made by the bench page)
// in every transfer syntax the viewer decodes. JPEG baseline, JPEG-LS, JPEG 2000 and HTJ2K
// frames come from the encoders shipped in the same @cornerstonejs/codec-* packages whose
// decoders the app runs (full builds, never served); RLE and JPEG Lossless come from DCMTK
// (dcmcrle, dcmcjpeg +e1), and are SKIPPED, loudly, when DCMTK is not installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** One frame through a codec package's encoder (as test/fixtures/codecs.ts does). */
async function encode(pkg, name, samples, size, bits, configure) {
  const Enc = (await require(pkg)())[name];
  const enc = new Enc();
  try {
    enc
      .getDecodedBuffer({
        width: size,
        height: size,
        bitsPerSample: bits,
        componentCount: 1,
        isSigned: false,
        isUsingColorTransform: false,
      })
      .set(samples);
    configure?.(enc);
    enc.encode();
    return Buffer.from(enc.getEncodedBuffer().slice());
  } finally {
    enc.delete();
  }
}

/** A native file re-encoded by a DCMTK tool, or null (with a loud note) when it is absent. */
function dcmtk(tool, args, native, skipped) {
  if (!has(tool)) {
    skipped.push(`${tool} (DCMTK) is not installed`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tb-codec-'));
  try {
    writeFileSync(join(dir, 'in.dcm'), native);
    const r = spawnSync(tool, [...args, join(dir, 'in.dcm'), join(dir, 'out.dcm')], {
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      skipped.push(`${tool} failed: ${r.stderr.trim()}`);
      return null;
    }
    return readFileSync(join(dir, 'out.dcm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Inputs for trialbenchCodecs.rates: `sample` is the page's { native, raw16, raw8 } (base64).
 * Returns { inputs, skipped }.
 */
export async function codecInputs(sample, size) {
  const native = Buffer.from(sample.native, 'base64');
  const raw16 = Buffer.from(sample.raw16, 'base64');
  const raw8 = Buffer.from(sample.raw8, 'base64');
  const skipped = [];
  const frame = (codec, transferSyntaxUid, buf, bits = 16, lossy = false) => ({
    codec,
    frame: buf.toString('base64'),
    transferSyntaxUid,
    bits,
    lossy,
  });
  const inputs = [{ codec: 'native', file: sample.native }];
  const rle = dcmtk('dcmcrle', [], native, skipped);
  if (rle) inputs.push({ codec: 'rle', file: rle.toString('base64') });
  inputs.push(
    frame(
      'jpeg-baseline',
      '1.2.840.10008.1.2.4.50',
      await encode(
        '@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs',
        'JPEGEncoder',
        raw8,
        size,
        8,
        (e) => e.setQuality(false, 95),
      ),
      8,
      true,
    ),
  );
  // +e1: lossless, first-order prediction (….4.70), the JPEG Lossless most files use.
  const lossless = dcmtk('dcmcjpeg', ['+e1'], native, skipped);
  if (lossless) inputs.push({ codec: 'jpeg-lossless', file: lossless.toString('base64') });
  inputs.push(
    frame(
      'jpeg-ls',
      '1.2.840.10008.1.2.4.80',
      await encode('@cornerstonejs/codec-charls/wasmjs', 'JpegLSEncoder', raw16, size, 16),
    ),
    frame(
      'jpeg-2000',
      '1.2.840.10008.1.2.4.90',
      await encode('@cornerstonejs/codec-openjpeg/wasmjs', 'J2KEncoder', raw16, size, 16, (e) =>
        e.setDecompositions(5),
      ),
    ),
    frame(
      'htj2k',
      '1.2.840.10008.1.2.4.201',
      await encode('@cornerstonejs/codec-openjph/wasmjs', 'HTJ2KEncoder', raw16, size, 16, (e) =>
        e.setDecompositions(5),
      ),
    ),
  );
  return { inputs, skipped };
}
