// Reading hand-written postmortems (issue 6). Pure: no I/O, runs on Node and Workers alike.
export { parsePostmortem } from './parse.ts'
export { toDryRunJson, dryRunSummary, type DryRunJson } from './dry-run.ts'
export { parseTimeOfDay, leadingStamp, scanTemporal } from './temporal.ts'
export { resolveZone } from './zones.ts'
export { inferEventKind } from './kinds.ts'
export { fingerprintOf } from './text.ts'
export type {
  ParsedPostmortem,
  ParsedEvent,
  ParsedTodo,
  ParsedSections,
  ParseOptions,
} from './types.ts'
// Writing them (the other half of issue 6).
export {
  composeDocument,
  documentEvents,
  draftFromIncident,
  draftSections,
  importPlanFrom,
  type DocumentEvent,
  type DocumentTodo,
  type ImportPlan,
  type PostmortemDocument,
  type PostmortemSections,
} from './draft.ts'
export {
  formatElapsed,
  formatPostmortemDuration,
  normalizeText,
  postmortemStamp,
  renderPostmortemMarkdown,
} from './write.ts'
