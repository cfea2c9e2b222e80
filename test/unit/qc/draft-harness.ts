// The protocol editor tests' shared start: QC state over an in-memory index with the demo
// protocol as the draft, validated, and the draft read back as a protocol.
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';
import { QcService } from '../../../src/app/qc-service';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import { qcAll } from '../../../src/core/qc/engine';
import type { Protocol } from '../../../src/core/protocol/types';
import { QcState } from '../../../src/ui/state/qc.svelte';

export function setup() {
  const service = new QcService({
    store: new MemoryIndexStore(),
    check: async (protocols, inputs) => qcAll(protocols, inputs),
    record: async () => undefined,
    key: async () => new Uint8Array(32).fill(1),
    now: () => new Date('2024-06-01T00:00:00Z'),
  });
  const qc = new QcState(service);
  qc.draft = `${JSON.stringify(DEMO_PROTOCOL, null, 2)}\n`;
  qc.validateDraft();
  return { qc, service, editor: qc.editor };
}

export const draft = (qc: QcState): Protocol => JSON.parse(qc.draft) as Protocol;
