// The de-identification run's live progress line: files done of the total, held so far,
// speed and time left. Pure, so it is tested without a browser or a clock.
import type { DeidProgressView } from './deid-api';

/** "about 40 s left", "about 3 min left", "about 1 h 5 min left". */
export function timeLeft(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `about ${s} s left`;
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} min left`;
  return `about ${Math.floor(min / 60)} h ${min % 60} min left`;
}

/**
 * One line for a screen reader and the eye. Speed is source bytes read per second since the
 * start; time left is the bytes not yet read at that speed (files reused from an earlier
 * run are not read, so the estimate errs long on a resume).
 */
export function progressLine(p: DeidProgressView, elapsedMs: number): string {
  const counts = `${p.done} of ${p.total} files done, ${p.held} held back so far`;
  const seconds = elapsedMs / 1000;
  if (p.done >= p.total && p.total > 0) return `${counts}; writing the documents`;
  if (p.bytesRead <= 0 || seconds <= 0) return `${counts}; measuring speed`;
  const perSecond = p.bytesRead / seconds;
  const left = Math.max(0, p.bytesTotal - p.bytesRead) / perSecond;
  return `${counts}; ${(perSecond / 1e6).toFixed(1)} MB/s, ${timeLeft(left)}`;
}
