// The thin adapter between the viewer's measurement events (src/core/image/measurement.ts)
// and the read form: a completed length or bidirectional measurement is offered to the
// form's selected lesion (src/ui/reading/ReadViewer.svelte wires it).
import type { ReadingState } from '../state/reading.svelte';
import type { ViewerMeasurementLike } from '../state/reading-form';

/** The viewer's event shape, structurally (no import of the viewer's module). */
export type ViewerEvent =
  | {
      type: 'added' | 'modified' | 'completed';
      measurement: ViewerMeasurementLike & { kind: string };
    }
  | { type: 'removed'; id: string };

/** An `onmeasure` handler that records completed calipers on `lesionId()` of the open read. */
export function measureInto(reading: ReadingState, lesionId: () => string | null) {
  return (e: ViewerEvent): void => {
    if (e.type !== 'completed' || e.measurement.kind === 'ellipse') return;
    const id = lesionId();
    if (id) reading.measured(id, e.measurement);
  };
}
