// The viewer's state: which series are shown, the active tool, the panes' overlays, the
// measurements, cine and synchronised scrolling. The engine (Cornerstone3D) is loaded
// lazily and reached only through the Pane port, so this class is tested without a browser.
import type { Measurement, MeasurementEvent, OnMeasure } from '../../core/image/measurement';
import { CT_PRESETS, nearestSlice, presetsFor, type WindowPreset } from '../../core/image/viewing';
import {
  MEASURE_TOOLS,
  type LoadEngine,
  type Pane,
  type PaneState,
  type StackEntry,
  type StackInfo,
  type ToolName,
  type ViewerEngine,
} from './engine-api';
import { roiStatus } from './roi-text';

export interface SeriesChoice {
  uid: string;
  label: string;
  patientId: string;
  modality: string;
}

export interface ViewerDeps {
  loadEngine: LoadEngine;
  /** The series' image files with the index's description of each. */
  seriesImages(uid: string): Promise<StackEntry[]>;
  seriesList(): Promise<SeriesChoice[]>;
}

export interface Shortcut {
  keys: string[];
  label: string;
  action: (v: ViewerState) => void;
}

const tool = (t: ToolName) => (v: ViewerState) => v.setTool(t);
const preset = (p: WindowPreset) => (v: ViewerState) => v.applyPreset(p.id);

/** Every keyboard shortcut; the help panel lists exactly these. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['ArrowDown', 'PageDown', 'j'], label: 'Next slice', action: (v) => v.scroll(1) },
  { keys: ['ArrowUp', 'PageUp', 'k'], label: 'Previous slice', action: (v) => v.scroll(-1) },
  { keys: ['Home'], label: 'First slice', action: (v) => v.goTo(0) },
  { keys: ['End'], label: 'Last slice', action: (v) => v.goTo(Infinity) },
  { keys: ['w'], label: 'Window/level tool (drag)', action: tool('windowLevel') },
  { keys: ['s'], label: 'Scroll tool (drag)', action: tool('scroll') },
  { keys: ['p'], label: 'Pan tool (drag)', action: tool('pan') },
  { keys: ['z'], label: 'Zoom tool (drag)', action: tool('zoom') },
  { keys: ['l'], label: 'Length measurement', action: tool('length') },
  { keys: ['b'], label: 'Bidirectional measurement', action: tool('bidirectional') },
  { keys: ['e'], label: 'Ellipse ROI (mean, SD)', action: tool('ellipse') },
  { keys: ['+', '='], label: 'Zoom in', action: (v) => v.active?.zoomBy(1.25) },
  { keys: ['-'], label: 'Zoom out', action: (v) => v.active?.zoomBy(0.8) },
  { keys: ['ArrowLeft'], label: 'Pan left', action: (v) => v.active?.panBy(-20, 0) },
  { keys: ['ArrowRight'], label: 'Pan right', action: (v) => v.active?.panBy(20, 0) },
  { keys: ['i'], label: 'Invert', action: (v) => v.active?.invert() },
  { keys: ['r'], label: 'Reset view', action: (v) => v.active?.reset() },
  { keys: ['a'], label: 'Auto window from the data', action: (v) => v.active?.autoWindow() },
  ...CT_PRESETS.map((p, i) => ({
    keys: [String(i + 1)],
    label: `CT preset: ${p.label} (W ${p.width} L ${p.center})`,
    action: preset(p),
  })),
  { keys: ['c'], label: 'Cine play/stop', action: (v) => v.toggleCine() },
  { keys: ['y'], label: 'Synchronised scrolling on/off', action: (v) => (v.sync = !v.sync) },
  { keys: ['Tab'], label: 'Next pane (side by side)', action: (v) => v.nextPane() },
  { keys: ['?', 'h'], label: 'This help', action: (v) => (v.help = !v.help) },
];

export interface PaneView {
  uid: string;
  label: string;
  info: StackInfo | null;
  state: PaneState | null;
  /** Why the series could not be opened at all. */
  failure: string | null;
}

export class ViewerState {
  panes = $state<PaneView[]>([]);
  /** Bumped on every open, so the panes' elements are made afresh. */
  generation = $state(0);
  activeIndex = $state(0);
  tool = $state<ToolName>('windowLevel');
  status = $state('Open a series from the archive.');
  blinded = $state(false);
  sync = $state(true);
  help = $state(false);
  cine = $state(false);
  cineFps = $state(10);
  measurements = $state<Measurement[]>([]);
  backend = $state<'gpu' | 'cpu' | null>(null);
  choices = $state<SeriesChoice[]>([]);
  onmeasure: OnMeasure | null = null;
  /** The read the viewer is measuring for, or null: its blinding fixes the overlay. */
  read = $state<{ label: string; blinded: boolean } | null>(null);

  private engine: ViewerEngine | null = null;
  private handles: (Pane | null)[] = [];
  private elements: (HTMLDivElement | null)[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private leader = 0;
  /** A preset to apply when a pane's first image is drawn (not reactive). */
  private pendingPreset: (string | undefined)[] = [];

  constructor(private readonly deps: ViewerDeps) {}

  get active(): Pane | null {
    return this.handles[this.activeIndex] ?? null;
  }

  /** Measuring needs a calibration: the reason when the active series has none. */
  get measureBlocked(): string | null {
    const c = this.panes[this.activeIndex]?.info?.calibration;
    return c?.kind === 'none' ? c.reason : null;
  }

  get presets(): readonly WindowPreset[] {
    return presetsFor(this.panes[this.activeIndex]?.info?.modality ?? '');
  }

  /**
   * Shows series for a read: calipers go to `onmeasure`, and a blinded read's overlay shows
   * nothing the header of a blinded image would not (no site, no date) until `endRead`.
   */
  async openForRead(
    uids: string[],
    read: { label: string; blinded: boolean; onmeasure: OnMeasure },
  ): Promise<void> {
    this.read = { label: read.label, blinded: read.blinded };
    this.blinded = read.blinded;
    this.onmeasure = read.onmeasure;
    await this.open(uids);
  }

  /** Free viewing again: no read receives calipers, the overlay is the viewer's own choice. */
  endRead(): void {
    this.read = null;
    this.onmeasure = null;
  }

  /** Shows one series, or two side by side (baseline and follow-up). */
  async open(uids: string[]): Promise<void> {
    this.stopCine();
    for (const h of this.handles) h?.destroy();
    this.handles = uids.map(() => null);
    this.elements = uids.map(() => null);
    this.generation++;
    this.measurements = [];
    this.activeIndex = 0;
    const list = await this.deps.seriesList();
    this.choices = list;
    this.panes = uids.map((uid) => ({
      uid,
      label: list.find((s) => s.uid === uid)?.label ?? uid,
      info: null,
      state: null,
      failure: null,
    }));
    this.status = 'Loading the viewer…';
    this.ready = this.start();
    await this.ready;
  }

  private ready: Promise<void> = Promise.resolve();

  private async start(): Promise<void> {
    try {
      this.engine ??= await this.deps.loadEngine();
      this.backend = this.engine.backend;
      this.status = `Viewer ready (${this.backend === 'gpu' ? 'WebGL' : 'CPU'} rendering).`;
    } catch (e) {
      console.error('viewer start failed', e, (e as Error)?.stack);
      this.status = `The viewer could not start: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** The series a second pane may show: the same subject's other series. */
  get compareChoices(): SeriesChoice[] {
    const first = this.choices.find((c) => c.uid === this.panes[0]?.uid);
    return this.choices.filter(
      (c) => c.uid !== first?.uid && (!first || c.patientId === first.patientId),
    );
  }

  /** Called by the component once a pane's element is in the DOM. */
  async attach(i: number, element: HTMLDivElement): Promise<void> {
    await this.ready;
    const view = this.panes[i];
    if (!this.engine || !view || this.handles[i]) return;
    this.elements[i] = element;
    const pane = this.engine.createPane(element, {
      state: (s) => this.onState(i, s),
      measure: (e) => this.onMeasure(e),
    });
    this.handles[i] = pane;
    pane.setTool(this.tool);
    try {
      const info = await pane.load(await this.deps.seriesImages(view.uid));
      view.info = info;
      if (!info.total) view.failure = 'No readable image in this series';
      this.status = `${view.label}: ${info.total} images${
        info.problems.length ? ` · ${info.problems.map((p) => p.message).join('; ')}` : ''
      }${info.unreadable.length ? ` · ${info.unreadable.length} unreadable files` : ''}.`;
      // CT opens on the soft-tissue preset once its first image is drawn.
      if (presetsFor(info.modality).length) this.pendingPreset[i] = 'soft';
      if (view.state?.rendered) this.onState(i, view.state);
    } catch (e) {
      view.failure = e instanceof Error ? e.message : String(e);
    }
  }

  /** The pane's element left the DOM (tab switched, series replaced): release its viewport. */
  detachPane(i: number, element: HTMLDivElement): void {
    if (this.elements[i] !== element) return;
    if (i === this.activeIndex) this.stopCine();
    this.handles[i]?.destroy();
    this.handles[i] = null;
    this.elements[i] = null;
    const view = this.panes[i];
    if (view) {
      view.state = null;
      view.info = null;
    }
  }

  detach(): void {
    this.stopCine();
    for (const h of this.handles) h?.destroy();
    this.handles = this.handles.map(() => null);
  }

  private onState(i: number, s: PaneState): void {
    const view = this.panes[i];
    if (!view) return;
    const before = view.state?.index;
    view.state = s;
    const preset = this.pendingPreset[i];
    if (preset && s.rendered) {
      this.pendingPreset[i] = undefined;
      this.applyPreset(preset, i);
    }
    if (this.sync && i === this.leader && before !== s.index) this.follow(i);
  }

  /** Scrolls the other pane to the slice nearest in position (else the same fraction). */
  private follow(from: number): void {
    const src = this.panes[from];
    if (!src?.state || !src.info) return;
    this.panes.forEach((p, j) => {
      if (j === from || !p.info || !this.handles[j]) return;
      const target = nearestSlice(
        p.info.along,
        src.state!.position,
        src.state!.total > 1 ? src.state!.index / (src.state!.total - 1) : 0,
      );
      if (p.state?.index !== target) this.handles[j]!.setIndex(target);
    });
  }

  private onMeasure(e: MeasurementEvent): void {
    if (e.type === 'removed') this.measurements = this.measurements.filter((m) => m.id !== e.id);
    else {
      const i = this.measurements.findIndex((m) => m.id === e.measurement.id);
      if (i >= 0) this.measurements[i] = e.measurement;
      else this.measurements = [...this.measurements, e.measurement];
      // A PET region's SUV (or why there is none) is said in the status line too.
      const said = e.type === 'added' ? null : roiStatus(e.measurement);
      if (said) this.status = said;
    }
    this.onmeasure?.(e);
  }

  /** The pane a person last touched leads synchronised scrolling. */
  focus(i: number): void {
    this.activeIndex = i;
    this.leader = i;
  }

  nextPane(): void {
    if (this.panes.length > 1) this.focus((this.activeIndex + 1) % this.panes.length);
  }

  setTool(t: ToolName): void {
    if (MEASURE_TOOLS.includes(t) && this.measureBlocked) {
      this.status = `Measurement not allowed: ${this.measureBlocked}.`;
      return;
    }
    this.tool = t;
    for (const h of this.handles) h?.setTool(t);
  }

  scroll(delta: number): void {
    this.leader = this.activeIndex;
    this.active?.scroll(delta);
  }

  goTo(index: number): void {
    this.leader = this.activeIndex;
    const total = this.panes[this.activeIndex]?.state?.total ?? 0;
    this.active?.setIndex(Math.min(index, total - 1));
  }

  applyPreset(id: string, pane = this.activeIndex): void {
    const p = presetsFor(this.panes[pane]?.info?.modality ?? '').find((x) => x.id === id);
    if (p) this.handles[pane]?.setWindow(p.width, p.center);
  }

  toggleCine(): void {
    if (this.cine) this.stopCine();
    else {
      this.cine = true;
      this.timer = setInterval(() => {
        const s = this.panes[this.activeIndex]?.state;
        if (!s || !s.total) return;
        this.leader = this.activeIndex;
        this.active?.setIndex(s.index + 1 >= s.total ? 0 : s.index + 1);
      }, 1000 / this.cineFps);
    }
  }

  stopCine(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.cine = false;
  }

  /** Handles a key press; true when it was a viewer shortcut. */
  key(key: string): boolean {
    const s = SHORTCUTS.find((x) => x.keys.includes(key));
    if (!s) return false;
    s.action(this);
    return true;
  }

  label(id: string, text: string): void {
    for (const h of this.handles) h?.setLabel(id, text);
  }

  remove(id: string): void {
    for (const h of this.handles) h?.removeMeasurement(id);
  }
}
