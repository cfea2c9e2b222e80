// The header of a DICOM file without its pixels, read from as small a prefix as will do.
import { parseDicom, type DataSet } from 'dicom-parser';

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
