// RECIST 1.1 reads: the criteria (pure), the form's checks, the ledger form, the read model.
export * from './types';
export * from './recist';
export * from './validate';
export * from './codec';
export * from './model';
export * from './sr';
