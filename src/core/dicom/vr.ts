/** Every VR of PS3.5 2024. */
export const VRS = new Set([
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FD',
  'FL',
  'IS',
  'LO',
  'LT',
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'PN',
  'SH',
  'SL',
  'SQ',
  'SS',
  'ST',
  'SV',
  'TM',
  'UC',
  'UI',
  'UL',
  'UN',
  'UR',
  'US',
  'UT',
  'UV',
]);

/** VRs whose explicit encoding has 2 reserved bytes and a 4-byte length (PS3.5 7.1.2). */
export const LONG_VRS = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);

/** Text VRs affected by Specific Character Set (PS3.5 6.1.2.3). */
export const CHARSET_VRS = new Set(['SH', 'LO', 'ST', 'LT', 'UT', 'UC', 'PN']);

/** VRs that may carry an undefined length: sequences and encapsulated / unknown data. */
export const UNDEFINED_LENGTH_VRS = new Set(['SQ', 'UN', 'OB', 'OW']);
