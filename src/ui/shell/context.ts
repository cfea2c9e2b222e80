// What every view of the shell is given: the state classes src/app built. A new view takes
// `{ ctx }` and reads what it needs; a new state class is added here (optional, so views
// that do not need it are unaffected).
import type { ArchiveState } from '../state/archive.svelte';
import type { DeidState } from '../state/deid.svelte';
import type { LedgerState } from '../state/ledger.svelte';
import type { ShellState } from './shell.svelte';
import type { QcState } from '../state/qc.svelte';
import type { ReadingState } from '../state/reading.svelte';
import type { ViewerState } from '../viewer/viewer.svelte';

export interface ShellContext {
  shell: ShellState;
  archive: ArchiveState;
  ledger: LedgerState;
  deid?: DeidState;
  qc?: QcState;
  reading?: ReadingState;
  viewer?: ViewerState;
}
