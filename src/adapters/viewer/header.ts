// The header of a DICOM file without its pixels, read from as small a prefix as will do.
import { parseDicom, type DataSet } from 'dicom-parser';
import { tagForKeyword } from '../../core/dicom/dictionary';
import { sliceMetaOfHeader, type SliceMeta } from '../../core/image/slice-meta';

/**
 * The header of a file, for ordering the stack before any pixels are read: a prefix up to
 * Pixel Data is enough (the whole file only when the header is larger than the prefix).
 */
export async function headerOf(file: File): Promise<DataSet> {
  const parse = async (b: Blob) =>
    parseDicom(new Uint8Array(await b.arrayBuffer()), { untilTag: 'x7fe00010' });
  // Most headers end within a few KiB: a small read first (opening a 300-slice stack reads
  // every header before the first image), a larger one for long headers, then the file.
  for (const prefix of [8 * 1024, 64 * 1024]) {
    if (file.size <= prefix) return parse(file);
    try {
      const ds = await parse(file.slice(0, prefix));
      // Only a header read up to Pixel Data is whole (a cut one may lack the spacing).
      if (ds.elements['x7fe00010']) return ds;
    } catch {
      // header longer than the prefix
    }
  }
  return parse(file);
}

// Binary (US) attributes among those the viewer reads; every other number is DS or IS text.
const US = new Set([
  'Rows',
  'Columns',
  'SamplesPerPixel',
  'BitsAllocated',
  'BitsStored',
  'HighBit',
  'PixelRepresentation',
  'PlanarConfiguration',
]);
// As the indexer reads numbers (src/core/dicom/values.ts): malformed text is no number.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The viewer's slice description from a parsed header (when the index lacks it). */
export function sliceMetaOfDataSet(ds: DataSet): SliceMeta {
  const tag = (keyword: string) => {
    const t = tagForKeyword(keyword);
    if (t === undefined) throw new Error(`no such keyword: ${keyword}`);
    return `x${t.toString(16).padStart(8, '0')}`;
  };
  return sliceMetaOfHeader(
    {
      text: (k) => ds.string(tag(k)) ?? '',
      num: (k, i = 0) => {
        if (US.has(k)) return ds.uint16(tag(k), i) ?? null;
        const s = ds.string(tag(k), i);
        return s !== undefined && NUMBER.test(s) ? Number(s) : null;
      },
    },
    ds.string('x00020010') ?? '',
  );
}
