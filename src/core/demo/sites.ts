// The fake sites, scanners and people of the demo trial. Every identifier here is
// invented and planted on purpose: de-identification tests look for each of them.
import type { Rng } from './random';

export interface Scanner {
  manufacturer: string;
  model: string;
  station: string;
  serial: string;
  software: string;
}

export interface Site {
  /** Folder name and trial site id, e.g. "site-101". */
  id: string;
  /** Longer label, e.g. "site-101-boston". */
  label: string;
  institution: string;
  address: string;
  department: string;
  /** SpecificCharacterSet: none (ASCII), Latin-1 or UTF-8, so charsets are exercised. */
  charset: '' | 'ISO_IR 100' | 'ISO_IR 192';
  /** Names of patients seen here, in the site's script. */
  names: ReadonlyArray<readonly [family: string, given: string, other?: string]>;
  physicians: readonly string[];
  phonePrefix: string;
  street: readonly string[];
  ct: Scanner;
  mr: Scanner & { tesla: number };
  pet: Scanner;
  contrastCt: string;
  contrastMr: string;
}

// prettier-ignore
const SITES: readonly Site[] = [
  {
    id: 'site-101', label: 'site-101-boston', charset: '',
    institution: 'Back Bay General Hospital', department: 'Radiology',
    address: '1200 Harbor View Road, Boston MA 02199, USA',
    names: [['DOE', 'JOHN'], ['SMITH', 'MARY'], ['JOHNSON', 'ROBERT'], ['WILLIAMS', 'PATRICIA'],
      ['BROWN', 'MICHAEL'], ['GARCIA', 'LINDA'], ['MILLER', 'JAMES'], ['DAVIS', 'BARBARA']],
    physicians: ['HOUSE^GREGORY^^DR', 'GREY^MEREDITH^^DR', 'KILDARE^JAMES^^DR'],
    phonePrefix: '+1 617 555 ', street: ['Beacon St', 'Commonwealth Ave', 'Tremont St'],
    ct: { manufacturer: 'SIEMENS', model: 'SOMATOM Force', station: 'BBGH-CT01', serial: '75431', software: 'syngo CT VA50A' },
    mr: { manufacturer: 'SIEMENS', model: 'MAGNETOM Prisma', station: 'BBGH-MR02', serial: '166021', software: 'syngo MR XA30', tesla: 3 },
    pet: { manufacturer: 'SIEMENS', model: 'Biograph Vision 600', station: 'BBGH-PET1', serial: '3041', software: 'VG80B' },
    contrastCt: 'Omnipaque 350', contrastMr: 'Gadavist',
  },
  {
    id: 'site-102', label: 'site-102-lyon', charset: 'ISO_IR 100',
    institution: 'Hôpital Saint-Exupéry de Fourvière', department: 'Imagerie Médicale',
    address: "12 quai des Célestins, 69002 Lyon, France",
    names: [['GARÇON', 'HÉLÈNE'], ['LEFÈVRE', 'FRANÇOIS'], ['MÜLLER', 'CHLOÉ'], ['BÉRANGER', 'JÉRÔME'],
      ['FAURÉ', 'ANAÏS'], ['DUPRÉ', 'THÉO'], ['LEMAÎTRE', 'NOËL'], ['CÔTÉ', 'AGNÈS']],
    physicians: ['RIEUX^BERNARD^^DR', 'KNOCK^LOUIS^^DR', 'BOVARY^CHARLES^^DR'],
    phonePrefix: '+33 4 72 11 ', street: ['rue de la République', 'quai Saint-Vincent', 'cours Lafayette'],
    ct: { manufacturer: 'GE MEDICAL SYSTEMS', model: 'Revolution CT', station: 'HEH-CT-SCAN2', serial: 'RCT2291', software: 'revo_ct_22.1' },
    mr: { manufacturer: 'GE MEDICAL SYSTEMS', model: 'SIGNA Artist', station: 'HEH-MR15', serial: '0000004478MR', software: '29\\LX\\MR Software release:RX29.1', tesla: 1.5 },
    pet: { manufacturer: 'GE MEDICAL SYSTEMS', model: 'Discovery MI', station: 'HEH-PETCT', serial: 'DMI0172', software: 'pet_dmi.47' },
    contrastCt: 'Iomeron 400', contrastMr: 'Dotarem',
  },
  {
    id: 'site-103', label: 'site-103-osaka', charset: 'ISO_IR 192',
    institution: 'Naniwa University Hospital 浪速大学病院', department: '放射線科 Radiology',
    address: '3-7 Naniwa-cho, Kita-ku, Osaka 530-0099, Japan',
    names: [['YAMADA', 'TARO', '山田^太郎'], ['SUZUKI', 'HANAKO', '鈴木^花子'], ['TANAKA', 'KENJI', '田中^健二'],
      ['SATO', 'YUKI', '佐藤^由紀'], ['WATANABE', 'HIROSHI', '渡辺^浩'], ['ITO', 'AYAKA', '伊藤^彩花'],
      ['NAKAMURA', 'SHO', '中村^翔'], ['KOBAYASHI', 'MEI', '小林^芽衣']],
    physicians: ['KUROSAWA^AKIRA^^DR', 'NOGUCHI^HIDEYO^^DR', 'OGATA^KOAN^^DR'],
    phonePrefix: '+81 6 6879 ', street: ['Midosuji', 'Sakaisuji', 'Tanimachi'],
    ct: { manufacturer: 'Philips', model: 'IQon Spectral CT', station: 'NUH-CT3', serial: '860033', software: '5.0.1' },
    mr: { manufacturer: 'Philips', model: 'Ingenia Elition X', station: 'NUH-MR7', serial: '43911', software: '5.7.1\\5.7.1.2', tesla: 3 },
    pet: { manufacturer: 'Philips', model: 'Vereos PET/CT', station: 'NUH-PET1', serial: '882301', software: '2.0.3' },
    contrastCt: 'Iopamiron 370', contrastMr: 'Magnescope',
  },
];

/** The i-th site; beyond the three built-in ones, numbered copies (site-104, ...). */
export function siteAt(i: number): Site {
  const base = SITES[i % SITES.length] as Site;
  if (i < SITES.length) return base;
  const n = 101 + i;
  return { ...base, id: `site-${n}`, label: `site-${n}-${base.label.split('-')[2] ?? 'x'}-${i}` };
}

export interface Identity {
  name: string;
  /** The name as written in free text: the Alphabetic group only. */
  nameText: string;
  mrn: string;
  otherId: string;
  birthDate: string;
  sex: 'M' | 'F';
  address: string;
  phone: string;
  weightKg: number;
  heightM: number;
}

export function identityFor(site: Site, index: number, r: Rng): Identity {
  const [family, given, other] = site.names[index % site.names.length] ?? ['X', 'Y'];
  const alpha = `${family}^${given}`;
  const year = r.int(1941, 1985);
  return {
    name: other ? `${alpha}=${other}` : alpha,
    nameText: alpha,
    mrn: `MRN${site.id.slice(5)}${r.digits(6)}`,
    otherId: `${r.int(100, 999)}-${r.digits(2)}-${r.digits(4)}`,
    birthDate: `${year}${pad2(r.int(1, 12))}${pad2(r.int(1, 28))}`,
    sex: r.next() < 0.5 ? 'M' : 'F',
    address: `${r.int(1, 199)} ${r.pick(site.street)}, ${site.address.split(', ').slice(1).join(', ')}`,
    phone: `${site.phonePrefix}${r.digits(4)}`,
    weightKg: r.int(52, 104),
    heightM: r.int(152, 192) / 100,
  };
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');
