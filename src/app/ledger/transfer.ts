// Entries on files: the updates file between peers that never connect, and the signed
// audit export (with a fresh checkpoint) and its verification.
import { decodeUpdates, encodeUpdates, exportLog, verifyLog } from '../../core/ledger';
import type { VerifyAnchors } from '../../core/ledger';
import type { VerifyReport } from '../../core/ledger/types';
import type { ImportReport } from '../../ui/state/ledger-api';
import type { LedgerContext } from './context';
import type { Recorder } from './record';
import { fail, ok, refusal, type LedgerResult } from './result';

export class Transfer {
  constructor(
    private readonly c: LedgerContext,
    private readonly recorder: Recorder,
  ) {}

  exportUpdates(): Blob {
    const { s } = this.c.active();
    // Without a vector from the other side, it may lack anything: all entries, parents first.
    const text = encodeUpdates(s.ledger.missingFor({}), s.study.id);
    return new Blob([text], { type: 'application/x-ndjson' });
  }

  async importUpdates(file: File): Promise<LedgerResult<ImportReport, 'other-study'>> {
    const { s } = this.c.active();
    const parsed = decodeUpdates(await file.text());
    if (parsed.study !== null && parsed.study !== s.study.id) {
      return fail('other-study', 'These updates belong to another study: select that study first');
    }
    const report = await this.recorder.receive(
      s,
      parsed.entries.map((entry) => ({ entry, source: 'import' })),
    );
    return ok({
      accepted: report.accepted.length,
      duplicates: report.duplicates,
      quarantined: report.quarantined.length,
      pending: report.pending,
    });
  }

  /**
   * Writes a checkpoint (LEDGER-14) for the other members to witness, then exports every
   * accepted entry, so the export holds every checkpoint and witness this device knows.
   */
  async exportAudit(): Promise<Blob> {
    const { s, identity, signer } = this.c.active();
    const me = identity.author;
    const ids = s.ledger.acceptedIds();
    const last = s.ledger.get(ids[ids.length - 1] ?? '');
    const fresh = !(last?.type === 'checkpoint' && last.author === me);
    if (fresh && s.ledger.roleOf(me) !== null) {
      const r = await this.recorder.record('checkpoint', { count: s.ledger.checkpointCount(me) });
      // 'not-recorded': an entry of ours still waits for its dependencies, so export
      // without a checkpoint. The fold refusing what it just built is a bug.
      if (!r.ok && r.code !== 'not-recorded') throw refusal(r);
    }
    const text = await exportLog(s.ledger, signer, this.c.now());
    return new Blob([text], { type: 'application/x-ndjson' });
  }

  async verifyExport(file: File, anchors: VerifyAnchors = {}): Promise<VerifyReport> {
    return verifyLog(await file.text(), this.c.deps.verifier, anchors);
  }
}
