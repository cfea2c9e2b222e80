// An exported log of a busy study (several authors, over two checkpoints) for the tamper
// campaign and the CLI test; and a second study's log to splice from.
import { exportLog, type Ledger, type Signer } from '../../../src/core/ledger';
import { folderBody, makeStudy } from './fixture';
import { Rng } from './random';

export interface Exported {
  text: string;
  ledger: Ledger;
  admin: Signer;
}

export async function busyLog(
  entries: number,
  seed = 1,
  checkpointEvery?: number,
): Promise<Exported> {
  const s = await makeStudy();
  const rng = new Rng(seed);
  const writers = [s.admin, s.members.site, s.members.reader, s.members.monitor];
  for (let i = s.ledger.accepted().length; i < entries; i++)
    await s.write(rng.pick(writers), 'folder.open', folderBody(i));
  const text = await exportLog(s.ledger, s.admin, s.now(), checkpointEvery);
  return { text, ledger: s.ledger, admin: s.admin };
}
