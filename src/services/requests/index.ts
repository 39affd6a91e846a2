export { RequestEngine } from './engine';
export { notFound, stateWords } from './messages';
export type { StartDraft } from './drafts';
