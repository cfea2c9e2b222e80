// The de-identification run: pseudonyms, output layout, leak check, documentation, and
// one file through all of it. See ../SPEC.md DEID-27 onwards.
export * from './csv';
export * from './pseudonym';
export * from './layout';
export * from './leak';
export * from './docs';
export * from './run';
export * from './review';
export { burnedInDecision, facialDecision, type GlobalAnswers } from './answers';
export * from './pixel-plan';
export * from './review-file';
export * from './site';
export * from './read-back';
export * from './folder-leak';
export * from './run-loop';
export * from './process';
