// Burned-in text and facial risk: region rules (generated from pydicom/deid's data plus
// user rules), masking of stored pixel values, and risk classification. See SPEC.md
// DEID-40 onwards.
export * from './types';
export * from './match';
export * from './user-rules';
export * from './layout';
export * from './mask';
export * from './from-dicom';
export * from './risk';
export { decodePackBits, encodePackBits, decodeRleFrame, encodeRleFrame } from './rle';
export { readFragments, writeFragments, offsetTableEntries } from './encapsulated';
export { PIXEL_RULES, PIXEL_RULES_SOURCE, SKIPPED_PIXEL_RULES } from './rules.generated';
