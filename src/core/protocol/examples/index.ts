// The three shipped, cited example protocols (each rule says where it comes from).
import ctCap from './ct-cap-recist11.json' with { type: 'json' };
import brainMr from './brain-mr-btip.json' with { type: 'json' };
import fdgPet from './fdg-petct-eanm.json' with { type: 'json' };

/** Raw JSON: run them through checkProtocol like any imported file. */
export const EXAMPLES: ReadonlyArray<{ name: string; data: unknown }> = [
  { name: 'ct-cap-recist11.json', data: ctCap },
  { name: 'brain-mr-btip.json', data: brainMr },
  { name: 'fdg-petct-eanm.json', data: fdgPet },
];
