// A worker's progress message already queued when a run ends must not replace the run's
// outcome (CI: "Preparing the demo archive: 50 of 1921 files generated" stayed on screen
// after Cancel, because the count arrived after "Cancelled").
import { describe, expect, it } from 'vitest';
import { startCounts, withRates, type ScanProgress } from '../../../src/core/scan/progress';
import type { ArchiveApi, ProgressListener } from '../../../src/ui/state/archive-api';
import { ArchiveState } from '../../../src/ui/state/archive.svelte';

function api(openDemo: ArchiveApi['openDemo']): ArchiveApi {
  const none = async () => [];
  return {
    canPickFolders: false,
    listFolders: none,
    pickFolder: async () => null,
    openDropped: async () => null,
    openFileList: async () => {
      throw new Error('not used');
    },
    openDemo,
    rescan: async () => {
      throw new Error('not used');
    },
    removeFolder: async () => {},
    listSeries: none,
    listInstances: none,
    seriesHeader: async () => undefined,
    listProblems: none,
    counts: async () => ({
      files: 0,
      instances: 0,
      series: 0,
      problems: 0,
      dicomdirs: 0,
      missing: 0,
    }),
  };
}

const preparing = (done: number): ScanProgress =>
  withRates({ ...startCounts('preparing', 'the demo archive', 0), done, total: 1921, now: 1 });

describe('ArchiveState: late progress', () => {
  it('a count that arrives after Cancel leaves "Cancelled" on screen', async () => {
    let late: ProgressListener = () => {};
    const state = new ArchiveState(
      api(
        (onProgress, signal) =>
          new Promise((resolve) => {
            late = onProgress;
            onProgress(preparing(50));
            signal.addEventListener('abort', () =>
              resolve(withRates(startCounts('cancelled', 'the demo archive', 0))),
            );
          }),
      ),
    );
    const run = state.openDemo();
    await Promise.resolve();
    expect(state.status).toBe('Preparing the demo archive: 50 of 1921 files generated');
    state.cancel();
    await run;
    expect(state.status).toMatch(/^Cancelled after the demo archive/);
    late(preparing(100));
    expect(state.status).toMatch(/^Cancelled after the demo archive/);
    expect(state.busy).toBe(false);
  });

  it('a count that arrives after a failure leaves the failure on screen', async () => {
    let late: ProgressListener = () => {};
    const state = new ArchiveState(
      api(async (onProgress) => {
        late = onProgress;
        throw new Error('no room left in the origin private file system');
      }),
    );
    await state.openDemo();
    late(preparing(7));
    expect(state.status).toBe(
      'Could not open the folder: no room left in the origin private file system',
    );
  });
});
