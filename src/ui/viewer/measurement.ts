// The viewer's measurement types, for UI code; defined in core so core code can use them too.
export type * from '../../core/image/measurement';
