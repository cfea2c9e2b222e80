// The viewer's state without a browser: a fake engine stands in for Cornerstone3D. Keyboard
// shortcuts, the CT preset on first draw, refusal to measure without spacing, synchronised
// scrolling led by the pane last touched, and measurement events passed on to the reads.
import { describe, expect, it } from 'vitest';
import { ViewerState, SHORTCUTS } from '../../../src/ui/viewer/viewer.svelte';
import type {
  Pane,
  PaneListener,
  PaneState,
  StackInfo,
  ToolName,
} from '../../../src/ui/viewer/engine-api';
import type { Calibration, MeasurementEvent } from '../../../src/core/image/measurement';

class FakePane implements Pane {
  index = 0;
  tool: ToolName | null = null;
  windows: [number, number][] = [];
  constructor(
    readonly listener: PaneListener,
    readonly info: StackInfo,
  ) {}
  private emit() {
    const s: PaneState = {
      index: this.index,
      shown: this.index,
      total: this.info.total,
      position: this.info.along[this.index] ?? null,
      window: null,
      invert: false,
      zoom: 1,
      error: null,
      rendered: true,
    };
    this.listener.state(s);
  }
  load = async () => {
    queueMicrotask(() => this.emit());
    return this.info;
  };
  setIndex(i: number) {
    this.index = Math.max(0, Math.min(this.info.total - 1, i));
    this.emit();
  }
  scroll(d: number) {
    this.setIndex(this.index + d);
  }
  setTool(t: ToolName) {
    this.tool = t;
  }
  setWindow(w: number, c: number) {
    this.windows.push([w, c]);
  }
  autoWindow() {}
  invert() {}
  zoomBy() {}
  panBy() {}
  reset() {}
  probe() {
    return null;
  }
  setLabel() {}
  removeMeasurement() {}
  destroy() {}
}

function info(modality: string, along: number[], calibration?: Calibration): StackInfo {
  return {
    total: along.length,
    modality,
    seriesDescription: modality,
    institution: 'Site',
    studyDate: '20250101',
    calibration: calibration ?? { kind: 'pixel-spacing', rowMm: 1, colMm: 1 },
    along,
    problems: [],
    unreadable: [],
  };
}

function setup(infos: Record<string, StackInfo>) {
  const panes: FakePane[] = [];
  const v = new ViewerState({
    loadEngine: async () => ({
      backend: 'cpu' as const,
      createPane: (_el: HTMLDivElement, l: PaneListener) => {
        const p = new FakePane(l, infos[Object.keys(infos)[panes.length]!]!);
        panes.push(p);
        return p;
      },
    }),
    seriesImages: async () => [],
    seriesList: async () =>
      Object.keys(infos).map((uid) => ({ uid, label: uid, patientId: 'P1', modality: 'CT' })),
  });
  return { v, panes };
}

const el = {} as HTMLDivElement;
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ViewerState', () => {
  it('opens CT on the soft-tissue preset once drawn; number keys pick presets', async () => {
    const { v, panes } = setup({ a: info('CT', [0, 1, 2]) });
    await v.open(['a']);
    await v.attach(0, el);
    await settle();
    expect(panes[0]!.windows).toEqual([[400, 40]]);
    expect(v.key('2')).toBe(true);
    expect(panes[0]!.windows.at(-1)).toEqual([1500, -600]);
    expect(v.key('q')).toBe(false);
  });

  it('gives every tool a shortcut, and refuses measuring without spacing', async () => {
    const tools: ToolName[] = [
      'windowLevel',
      'scroll',
      'pan',
      'zoom',
      'length',
      'bidirectional',
      'ellipse',
    ];
    const { v, panes } = setup({
      a: info('DX', [0], { kind: 'none', reason: 'No pixel spacing in the header' }),
    });
    await v.open(['a']);
    await v.attach(0, el);
    for (const t of tools)
      expect(
        SHORTCUTS.some((s) =>
          s.label
            .toLowerCase()
            .includes(t === 'windowLevel' ? 'window/level' : t === 'ellipse' ? 'ellipse' : t),
        ),
      ).toBe(true);
    v.key('p');
    expect(panes[0]!.tool).toBe('pan');
    v.key('l');
    expect(panes[0]!.tool).toBe('pan');
    expect(v.status).toMatch(/Measurement not allowed: No pixel spacing/);
    expect(v.measureBlocked).toMatch(/No pixel spacing/);
  });

  it('scrolls the other pane to the nearest position, led by the pane last touched', async () => {
    const { v, panes } = setup({
      base: info('CT', [0, 5, 10, 15, 20]),
      follow: info('CT', [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]),
    });
    await v.open(['base', 'follow']);
    await v.attach(0, el);
    await v.attach(1, el);
    await settle();
    v.focus(0);
    v.key('ArrowDown'); // base 0 -> 1 (5 mm): follow goes to 4 or 6 mm
    expect(panes[0]!.index).toBe(1);
    expect([1, 2]).toContain(panes[1]!.index);
    v.key('End'); // base to 20 mm: follow to 20 mm
    expect(panes[1]!.index).toBe(9);
    v.sync = false;
    v.key('Home');
    expect(panes[0]!.index).toBe(0);
    expect(panes[1]!.index).toBe(9);
  });

  it('passes measurement events to onmeasure and keeps the list', async () => {
    const { v, panes } = setup({ a: info('CT', [0]) });
    const seen: MeasurementEvent[] = [];
    v.onmeasure = (e) => seen.push(e);
    await v.open(['a']);
    await v.attach(0, el);
    const m = {
      id: 'm1',
      kind: 'length' as const,
      sopInstanceUid: '1.2',
      seriesInstanceUid: '1',
      frame: 0,
      points: [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
      ],
      longMm: 10,
      calibration: { kind: 'pixel-spacing' as const, rowMm: 1, colMm: 1 },
    };
    panes[0]!.listener.measure({ type: 'completed', measurement: m });
    panes[0]!.listener.measure({ type: 'modified', measurement: { ...m, longMm: 12 } });
    expect(v.measurements.map((x) => x.longMm)).toEqual([12]);
    panes[0]!.listener.measure({ type: 'removed', id: 'm1' });
    expect(v.measurements).toEqual([]);
    expect(seen.map((e) => e.type)).toEqual(['completed', 'modified', 'removed']);
  });

  it('a read fixes the overlay blinding and receives calipers until it ends', async () => {
    const { v, panes } = setup({ a: info('CT', [0]) });
    const seen: string[] = [];
    await v.openForRead(['a'], {
      label: 'TB-1 TP1',
      blinded: true,
      onmeasure: (e) => seen.push(e.type),
    });
    await v.attach(0, el);
    expect([v.blinded, v.read]).toEqual([true, { label: 'TB-1 TP1', blinded: true }]);
    const m = {
      id: 'm1',
      kind: 'length' as const,
      sopInstanceUid: '1.2',
      seriesInstanceUid: '1',
      frame: 0,
      points: [],
      longMm: 10,
      calibration: { kind: 'pixel-spacing' as const, rowMm: 1, colMm: 1 },
    };
    panes[0]!.listener.measure({ type: 'completed', measurement: m });
    v.endRead();
    panes[0]!.listener.measure({ type: 'completed', measurement: { ...m, id: 'm2' } });
    expect(seen).toEqual(['completed']);
    expect(v.read).toBe(null);
  });

  it("says a PET region's SUVmax/SUVmean in the status line, or why there is none", async () => {
    const { v, panes } = setup({ a: info('PT', [0]) });
    await v.open(['a']);
    await v.attach(0, el);
    const stats = { mean: 3000, sd: 10, min: 0, max: 20000, count: 40, unit: 'Bq/ml' };
    const m = {
      id: 'r1',
      kind: 'ellipse' as const,
      sopInstanceUid: '1.2',
      seriesInstanceUid: '1',
      frame: 0,
      points: [],
      longMm: 30,
      shortMm: 20,
      calibration: { kind: 'pixel-spacing' as const, rowMm: 1, colMm: 1 },
      stats: {
        ...stats,
        suv: { computable: true as const, mean: 0.8764, max: 5.8425, factor: 2.92127e-4 },
      },
    };
    panes[0]!.listener.measure({ type: 'completed', measurement: m });
    expect(v.status).toBe(
      'Ellipse ROI: mean 3000.0 ± 10.0 Bq/ml, max 20000.0; SUVmax 5.84, SUVmean 0.88 (body weight)',
    );
    panes[0]!.listener.measure({
      type: 'modified',
      measurement: {
        ...m,
        stats: {
          ...stats,
          unit: '',
          suv: {
            computable: false as const,
            code: 'dose' as const,
            reason: 'RadionuclideTotalDose (0018,1074) is missing or zero',
          },
        },
      },
    });
    expect(v.status).toContain(
      'SUV not computable: the injected dose is missing (RadionuclideTotalDose (0018,1074) is missing or zero).',
    );
  });
});
