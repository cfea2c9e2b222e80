// How a series' risks are answered (DEID-51, DEID-52): the reviewer's decision for its
// source series first, else the run's global options, else held until someone decides.
import { RISK_SENTENCES, type Risk } from '../pixels/risk';
import type { BurnedInAnswer, FacialAnswer } from './review';

export type HoldCategory =
  | 'burned-in'
  | 'facial'
  | 'excluded'
  | 'leak'
  | 'pseudonym'
  | 'unsafe'
  /** No site could be told for the file (DEID-81). */
  | 'site';

/**
 * A risk's reasons as they may leave the site (DEID-80): the closed codes' sentences, never
 * the source's words (a description can carry a name or a record number).
 */
export function publicRiskReasons(risk: Risk): string[] {
  if (!risk.codes) return risk.reasons.map(() => 'risk found (reason not recorded)');
  return risk.codes.map((c) => RISK_SENTENCES[c]);
}

export interface RiskDecision {
  kind: 'burned-in' | 'facial';
  reasons: string[];
  /** What happens to the series for this risk. */
  decision: 'passed' | 'masked' | 'waived' | 'defaced' | 'excluded' | 'held';
  /** The answer given (absent when nobody answered). */
  action?: BurnedInAnswer['action'] | FacialAnswer['action'];
  justification?: string;
  /** Who answered and when (ISO 8601), where known. */
  by?: string;
  at?: string;
  /** For 'defaced': the external tool and version attested. */
  tool?: string;
}

/** The run's answers for every series nobody reviewed (command-line flags, app settings). */
export interface GlobalAnswers {
  passBurnedIn?: string;
  /** Mask by pixel rules; takes precedence over `passBurnedIn`. */
  maskBurnedIn?: boolean;
  waiveFacialRisk?: string;
  /** The external defacing tool and version; takes precedence over `waiveFacialRisk`. */
  attestDefaced?: string;
  /** Recorded as who gave the global answers. */
  runBy?: string;
}

const NO_AUTOMATIC = 'no automatic risk found; decided on review';

const BURNED: Record<BurnedInAnswer['action'], RiskDecision['decision']> = {
  pass: 'passed',
  mask: 'masked',
  exclude: 'excluded',
};
const FACIAL: Record<FacialAnswer['action'], RiskDecision['decision']> = {
  waive: 'waived',
  defaced: 'defaced',
  exclude: 'excluded',
};

/** Why a signed answer cannot be used, or null. */
function unsigned(a: BurnedInAnswer | FacialAnswer): string | null {
  if (!a.justification?.trim()) return 'the review answer has no justification';
  if (!a.by?.trim()) return 'the review answer does not say who decided';
  if (a.action === 'defaced' && !(a as FacialAnswer).tool?.trim())
    return 'defaced, but the attestation names no tool';
  return null;
}

function fromAnswer(
  kind: RiskDecision['kind'],
  risk: Risk,
  a: BurnedInAnswer | FacialAnswer,
): RiskDecision {
  const reasons = risk.atRisk ? publicRiskReasons(risk) : [NO_AUTOMATIC];
  const problem = unsigned(a);
  if (problem) return { kind, reasons: [...reasons, problem], decision: 'held' };
  const decision =
    kind === 'burned-in'
      ? BURNED[(a as BurnedInAnswer).action]
      : FACIAL[(a as FacialAnswer).action];
  const tool = 'tool' in a && a.action === 'defaced' ? a.tool : undefined;
  return {
    kind,
    reasons,
    decision,
    action: a.action,
    justification: a.justification,
    by: a.by,
    ...(a.at ? { at: a.at } : {}),
    ...(tool ? { tool } : {}),
  };
}

const by = (g: GlobalAnswers): { by?: string } => (g.runBy ? { by: g.runBy } : {});

export function burnedInDecision(
  risk: Risk,
  answer: BurnedInAnswer | undefined,
  g: GlobalAnswers,
): RiskDecision | null {
  if (answer) return fromAnswer('burned-in', risk, answer);
  if (!risk.atRisk) return null;
  const base = { kind: 'burned-in' as const, reasons: publicRiskReasons(risk) };
  if (g.maskBurnedIn) {
    return {
      ...base,
      decision: 'masked',
      action: 'mask',
      justification: 'the run masks burned-in text by pixel rules',
      ...by(g),
    };
  }
  if (g.passBurnedIn) {
    return { ...base, decision: 'passed', action: 'pass', justification: g.passBurnedIn, ...by(g) };
  }
  return { ...base, decision: 'held' };
}

export function facialDecision(
  risk: Risk,
  answer: FacialAnswer | undefined,
  g: GlobalAnswers,
): RiskDecision | null {
  if (answer) return fromAnswer('facial', risk, answer);
  if (!risk.atRisk) return null;
  const base = { kind: 'facial' as const, reasons: publicRiskReasons(risk) };
  if (g.attestDefaced) {
    return {
      ...base,
      decision: 'defaced',
      action: 'defaced',
      justification: `attested defaced with ${g.attestDefaced}`,
      tool: g.attestDefaced,
      ...by(g),
    };
  }
  if (g.waiveFacialRisk) {
    return {
      ...base,
      decision: 'waived',
      action: 'waive',
      justification: g.waiveFacialRisk,
      ...by(g),
    };
  }
  return { ...base, decision: 'held' };
}
