// Progress of a scan as people read it: files done of total, files/s, MB/s and ETA.
export type ScanPhase = 'preparing' | 'listing' | 'indexing' | 'done' | 'cancelled' | 'failed';

export interface ScanCounts {
  phase: ScanPhase;
  folderLabel: string;
  listed: number;
  total: number;
  done: number;
  indexed: number;
  problems: number;
  unchanged: number;
  missing: number;
  bytes: number;
  startedAt: number;
  now: number;
}

export interface ScanProgress extends ScanCounts {
  filesPerSecond: number;
  megabytesPerSecond: number;
  etaSeconds: number | null;
}

/** Counts at the start of a scan: nothing listed, read or found yet. */
export function startCounts(phase: ScanPhase, folderLabel: string, now: number): ScanCounts {
  return {
    phase,
    folderLabel,
    listed: 0,
    total: 0,
    done: 0,
    indexed: 0,
    problems: 0,
    unchanged: 0,
    missing: 0,
    bytes: 0,
    startedAt: now,
    now,
  };
}

export function withRates(c: ScanCounts): ScanProgress {
  const seconds = Math.max((c.now - c.startedAt) / 1000, 0.001);
  const filesPerSecond = c.done / seconds;
  const remaining = c.total - c.done;
  return {
    ...c,
    filesPerSecond,
    megabytesPerSecond: c.bytes / 1e6 / seconds,
    etaSeconds: c.phase === 'indexing' && filesPerSecond > 0 ? remaining / filesPerSecond : null,
  };
}

export function describeProgress(p: ScanProgress): string {
  const rate = `${p.filesPerSecond.toFixed(0)} files/s, ${p.megabytesPerSecond.toFixed(1)} MB/s`;
  switch (p.phase) {
    case 'preparing':
      // The demo says how many of its files are generated so far.
      return p.total > 0
        ? `Preparing ${p.folderLabel}: ${p.done} of ${p.total} files generated`
        : `Preparing ${p.folderLabel}…`;
    case 'listing':
      return `Listing ${p.folderLabel}: ${p.listed} files found`;
    case 'indexing': {
      const eta = p.etaSeconds === null ? '' : `, about ${formatDuration(p.etaSeconds)} left`;
      return `Indexing ${p.folderLabel}: ${p.done} of ${p.total} files (${rate}${eta})`;
    }
    case 'done':
    case 'cancelled':
    case 'failed': {
      const verb = { done: 'Indexed', cancelled: 'Cancelled after', failed: 'Failed after' }[
        p.phase
      ];
      return (
        `${verb} ${p.folderLabel}: ${p.done} of ${p.total} files read; ${p.indexed} indexed, ` +
        `${p.problems} problems, ${p.unchanged} unchanged, ${p.missing} missing (${rate})`
      );
    }
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m} min ${Math.round(seconds % 60)} s`
    : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
