// DEID-40, DEID-41: the generated rule table is the source text, rule by rule.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  PIXEL_RULES,
  PIXEL_RULES_SOURCE,
  SKIPPED_PIXEL_RULES,
} from '../../../../src/core/deid/pixels/rules.generated';
import type { PixelRule } from '../../../../src/core/deid/pixels/types';

const dir = process.env.PIXEL_RULES_DIR ?? path.resolve('../shared/data/pixel-rules');
const present = existsSync(path.join(dir, 'deid.dicom'));
if (!present) console.warn(`SKIPPED (loudly): DEID-40 source comparison, ${dir} is absent`);

function at(source: string, line: number): PixelRule {
  const r = PIXEL_RULES.find((x) => x.source === source && x.line === line);
  if (!r) throw new Error(`no rule at ${source}:${line}`);
  return r;
}

describe('DEID-40 generated pixel rules', () => {
  test('DEID-40: 123 rules and 2 skipped with reasons, every rule with conditions', () => {
    expect(PIXEL_RULES).toHaveLength(123);
    expect(SKIPPED_PIXEL_RULES.map((s) => [s.label, s.line])).toEqual([
      ['Blank Image', 12],
      ['Clean Ultrasound Regions', 15],
    ]);
    expect(SKIPPED_PIXEL_RULES[1]!.reason).toMatch(/SequenceOfUltrasoundRegions/);
    const gray = PIXEL_RULES.filter((r) => r.list === 'graylist' && r.regions.length > 0);
    expect(gray.length).toBeGreaterThan(90);
    for (const r of PIXEL_RULES) {
      expect(r.label).not.toBe('');
      for (const g of r.regions) {
        expect(g.x1).toBeGreaterThan(g.x0);
        expect(g.y1).toBeGreaterThan(g.y0);
      }
    }
  });

  test('DEID-40: corners (coordinates) and CTP x,y,w,h (ctpcoordinates) both become corners', () => {
    // deid.dicom:20 'coordinates 0,0,512,121'
    expect(at('deid.dicom', 20).regions).toEqual([{ x0: 0, y0: 0, x1: 512, y1: 121 }]);
    // 3D Lab reconstructions, unindented 'coordinates 450,0,672, 85'
    expect(PIXEL_RULES.find((r) => r.label === '3D Lab reconstructions')!.regions).toEqual([
      { x0: 450, y0: 0, x1: 672, y1: 85 },
    ]);
    // Volume Rendering - MRCP: ctpcoordinates 350,0,162,30 and 390,80,122,15
    const v = PIXEL_RULES.find((r) => r.label === 'Volume Rendering - MRCP')!;
    expect(v.regions).toEqual([
      { x0: 350, y0: 0, x1: 512, y1: 30 },
      { x0: 390, y0: 80, x1: 512, y1: 95 },
    ]);
    expect(v.note).toBe('CTP');
  });

  test('DEID-40: + lines AND, in-line || alternatives, unprefixed lines start OR groups', () => {
    const ls = at('deid.dicom', 20);
    expect(ls.label).toBe('LightSpeed Dose Report');
    expect(ls.note).toBe('Susan Weber');
    expect(ls.when).toEqual({
      kind: 'and',
      of: [
        {
          kind: 'term',
          op: 'contains',
          field: 'ManufacturerModelName',
          values: ['LightSpeed VCT'],
        },
        { kind: 'term', op: 'contains', field: 'Modality', values: ['CT'] },
        {
          kind: 'or',
          of: [
            { kind: 'term', op: 'contains', field: 'ImageType', values: ['SCREEN SAVE'] },
            { kind: 'term', op: 'contains', field: 'SeriesDescription', values: ['Dose'] },
          ],
        },
      ],
    });
    const chest = at('deid.dicom.xray.chest', 5);
    expect(chest.list).toBe('whitelist');
    expect(chest.when).toEqual({
      kind: 'and',
      of: [
        {
          kind: 'or',
          of: [
            { kind: 'term', op: 'contains', field: 'Modality', values: ['CR', 'DX', 'PR'] },
            { kind: 'term', op: 'contains', field: 'StudyDescription', values: ['DX', 'PR'] },
          ],
        },
        {
          kind: 'or',
          of: [
            { kind: 'term', op: 'contains', field: 'StudyDescription', values: ['CHEST'] },
            { kind: 'term', op: 'contains', field: 'BodyPartExamined', values: ['CHEST'] },
          ],
        },
      ],
    });
    const scanned = PIXEL_RULES.find((r) => r.label === 'Any Scanned Document or Secondary Save')!;
    expect(scanned.list).toBe('blacklist');
    expect(scanned.when).toEqual({
      kind: 'or',
      of: [
        { kind: 'term', op: 'contains', field: 'ImageType', values: ['Secondary'] },
        { kind: 'term', op: 'contains', field: 'Modality', values: ['OT'] },
      ],
    });
    const recon = PIXEL_RULES.find((r) => r.label === 'Stanford Med Reconstruction')!;
    expect(recon.regions).toEqual([]);
    expect(recon.when).toEqual({
      kind: 'and',
      of: [
        {
          kind: 'or',
          of: [
            { kind: 'term', op: 'missing', field: 'Manufacturer', values: [] },
            { kind: 'term', op: 'empty', field: 'Manufacturer', values: [] },
          ],
        },
        {
          kind: 'term',
          op: 'contains',
          field: 'ImageType',
          values: ['RECONSTRUCTION', 'SECONDARY', 'DERIVED'],
        },
      ],
    });
  });

  test('DEID-40: the misspelt keyword Manfacturer (ADAC) is read as Manufacturer', () => {
    const adac = at('deid.dicom', 487);
    expect(JSON.stringify(adac.when)).toContain('"field":"Manufacturer","values":["ADAC"]');
    expect(JSON.stringify(PIXEL_RULES)).not.toMatch(/Manfacturer|"Manufacture"/);
  });

  test.skipIf(!present)(
    'DEID-40: every LABEL of the source is a rule or a skipped rule, at its line',
    () => {
      for (const { file, sha256 } of PIXEL_RULES_SOURCE) {
        const text = readFileSync(path.join(dir, file), 'utf8');
        expect(createHash('sha256').update(text).digest('hex')).toBe(sha256);
        const lines = text.split(/\r?\n/);
        const header = lines.findIndex((l) => l.trim() === '%header');
        const labels = lines
          .map((l, i) => ({ l, i }))
          .filter(({ l, i }) => l.startsWith('LABEL ') && (header < 0 || i < header))
          .map(({ i }) => i + 1);
        const ours = [...PIXEL_RULES, ...SKIPPED_PIXEL_RULES]
          .filter((r) => r.source === file)
          .map((r) => r.line)
          .sort((a, b) => a - b);
        expect(ours).toEqual(labels);
        for (const r of PIXEL_RULES.filter((x) => x.source === file)) {
          expect(lines[r.line - 1]).toContain(r.label);
          // Each region's numbers appear in the source block of that rule.
          const block = lines.slice(r.line, r.line + 16).join('\n');
          for (const g of r.regions) expect(block).toContain(String(g.x0));
        }
      }
    },
  );
});
