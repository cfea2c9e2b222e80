// The archive view's state: folders, filters, the filtered tree, the selected series,
// problems and scan progress. Components only read it and call its methods.
import type {
  FileRecord,
  IndexCounts,
  InstanceRow,
  SeriesFilter,
  SeriesHeader,
  SeriesRow,
} from '../../core/ports/store';
import { groupSeries } from '../../core/scan/series';
import { describeProgress, type ScanProgress } from '../../core/scan/progress';
import type { ArchiveApi, FolderView } from './archive-api';
import { flattenTree, type TreeRow } from './tree-rows';

export class ArchiveState {
  folders = $state<FolderView[]>([]);
  filter = $state<SeriesFilter>({});
  series = $state<SeriesRow[]>([]);
  modalities = $state<string[]>([]);
  selectedSeries = $state<string | null>(null);
  instances = $state<InstanceRow[]>([]);
  header = $state<SeriesHeader | undefined>(undefined);
  problems = $state<FileRecord[]>([]);
  counts = $state<IndexCounts>({
    files: 0,
    instances: 0,
    series: 0,
    problems: 0,
    dicomdirs: 0,
    missing: 0,
  });
  progress = $state<ScanProgress | null>(null);
  /** The sentence a screen reader announces: progress, outcome or error. */
  status = $state('No archive open yet. Open a folder, or open the demo archive to try it.');
  busy = $state(false);

  rows: TreeRow[] = $derived(flattenTree(groupSeries(this.series)));
  selected: SeriesRow | undefined = $derived(
    this.series.find((s) => s.seriesInstanceUid === this.selectedSeries),
  );

  private controller: AbortController | null = null;
  private query = 0;

  constructor(readonly api: ArchiveApi) {}

  async load(): Promise<void> {
    await this.refresh();
    if (this.counts.files > 0) {
      this.status = `Index loaded: ${this.counts.instances} instances in ${this.counts.series} series, ${this.counts.problems} problems.`;
    }
  }

  async refresh(): Promise<void> {
    const [folders, all, counts, problems] = await Promise.all([
      this.api.listFolders(),
      this.api.listSeries({}),
      this.api.counts(),
      this.api.listProblems(),
    ]);
    this.folders = folders;
    this.modalities = all
      .map((s) => s.modality)
      .filter(Boolean)
      .sort()
      .filter((m, i, sorted) => m !== sorted[i - 1]);
    this.counts = counts;
    this.problems = problems;
    await this.applyFilter();
  }

  async setFilter(patch: Partial<SeriesFilter>): Promise<void> {
    this.filter = { ...this.filter, ...patch };
    await this.applyFilter();
  }

  /** Whether any filter narrows the list (so an empty list means "no match", not "empty"). */
  get filtered(): boolean {
    return Object.values(this.filter).some((v) => v !== undefined && v !== '');
  }

  /** The filters in words, for "No series match ...". */
  get filterWords(): string {
    const f = this.filter;
    const parts: string[] = [];
    if (f.text) parts.push(`"${f.text}"`);
    if (f.modality) parts.push(`modality ${f.modality}`);
    if (f.dateFrom) parts.push(`study date from ${f.dateFrom}`);
    if (f.dateTo) parts.push(`study date to ${f.dateTo}`);
    if (f.folderId)
      parts.push(`folder ${this.folders.find((x) => x.id === f.folderId)?.label ?? f.folderId}`);
    return parts.join(', ');
  }

  clearFilters = async (): Promise<void> => {
    this.filter = {};
    await this.applyFilter();
  };

  private async applyFilter(): Promise<void> {
    const ticket = ++this.query;
    const rows = await this.api.listSeries($state.snapshot(this.filter));
    if (ticket !== this.query) return;
    this.series = rows;
    if (this.selectedSeries && !rows.some((s) => s.seriesInstanceUid === this.selectedSeries)) {
      this.selectedSeries = null;
      this.instances = [];
      this.header = undefined;
    }
  }

  async select(seriesInstanceUid: string | null): Promise<void> {
    this.selectedSeries = seriesInstanceUid;
    const [instances, header] = seriesInstanceUid
      ? await Promise.all([
          this.api.listInstances(seriesInstanceUid),
          this.api.seriesHeader(seriesInstanceUid),
        ])
      : [[], undefined];
    if (this.selectedSeries !== seriesInstanceUid) return;
    this.instances = instances;
    this.header = header;
  }

  pickFolder = () => this.run((p, s) => this.api.pickFolder(p, s));
  openDemo = () => this.run((p, s) => this.api.openDemo(p, s));
  openFiles = (files: FileList) => this.run((p, s) => this.api.openFileList(files, p, s));
  drop = (items: DataTransferItemList) => this.run((p, s) => this.api.openDropped(items, p, s));
  rescan = (folderId: string) => this.run((p, s) => this.api.rescan(folderId, p, s));

  async removeFolder(folderId: string): Promise<void> {
    await this.api.removeFolder(folderId);
    await this.refresh();
    this.status = 'Folder removed from the index; its files were not touched.';
  }

  cancel(): void {
    this.controller?.abort();
  }

  private async run(
    task: (
      onProgress: (p: ScanProgress) => void,
      signal: AbortSignal,
    ) => Promise<ScanProgress | null>,
  ): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.controller = new AbortController();
    const show = (p: ScanProgress) => {
      this.progress = p;
      this.status = describeProgress(p);
    };
    // Progress comes from workers as messages; one already queued when the run ended
    // (cancelled, done or failed) must not replace its outcome (seen in CI: "Preparing the
    // demo archive: 50 of 1921" shown after Cancel).
    let ended = false;
    const onProgress = (p: ScanProgress) => {
      if (!ended) show(p);
    };
    try {
      const result = await task(onProgress, this.controller.signal);
      ended = true;
      if (result) show(result);
    } catch (e) {
      ended = true;
      this.status = `Could not open the folder: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      ended = true;
      this.busy = false;
      this.controller = null;
      await this.refresh();
    }
  }
}
