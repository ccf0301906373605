import type { EventKind } from '../enums.ts'

// The kind of a timeline entry, from its words. A label ("Escalation:", "Issue Detected:") decides
// first; then an explicit resolution ("fully restored", "declared resolved") wins wherever it stands;
// otherwise the earliest cue in the sentence wins, since the opening verb usually says what
// happened ("Escalated to the DB team after identifying…" is an escalation).

const NEGATION = /\b(?:not|n't|never|no longer|without|failed to)\s+(?:\w+\s+)?$/i

const RESOLUTION =
  /\b(?:resolved|resolution|fully (?:restored|recovered|operational|functional)|full (?:service )?(?:restoration|recovery|resolution)|full service restored|(?:all )?services? (?:(?:were|was|is|are) )?(?:fully )?(?:restored|back to normal|operating normally)|back to normal|recovered|incident (?:closed|over|ended)|outage (?:ends|ended|over)|all clear|closed the incident)\b/gi

const CUES: [EventKind, RegExp][] = [
  ['investigation', /\b(?:misleading|red herring|wrong (?:path|turn)|dead end)\b/gi],
  [
    'escalation',
    /\b(?:escalat\w*|paged (?:the|in|an?|on-?call|\w+ team)|called in|brought in|looped in|pulled in|engaged|consulted|notified (?:the )?(?:\w+ )?(?:team|on-?call|engineers?|managers?|leads?|sre)|(?:team|on-?call \w+|engineers?) (?:was |were )?(?:notified|assembled|paged)|on-?call (?:system|rotation)|incident commander|declared? (?:an? )?(?:incident|sev)|war ?room|assembled|joined|acknowledg\w*|paging (?:the|in|an?|on-?call)|handed (?:off|over))\b/gi,
  ],
  [
    'mitigation',
    /\b(?:roll(?:ed|ing)? ?back|rollback|revert\w*|mitigat\w*|fail(?:ed|ing)? ?over|failover|restart\w*|reboot\w*|redeploy\w*|deployed (?:a |the )?(?:fix|patch|hotfix)|hotfix\w*|patch(?:ed|ing)|appl(?:ied|ying) (?:a |the )?(?:fix|patch|workaround|correct)\w*|workaround|scal(?:ed|ing) (?:\w+ ){0,4}?(?:up|out|horizontally|back|down)\b|disabl\w*|(?:took|taken|take) (?:\w+ ){0,3}offline|rerout\w*|redirect\w*|drain\w*|restor\w*|rebuil\w*|reconfigur\w*|resync\w*|synchroni[sz]\w*|flush\w*|purg\w*|block(?:ed|ing)|throttl\w*|rate.limit\w*|stabili[sz]\w*|recovering|coming back|partially (?:accessible|restored|available)|warm\w*|cancel\w*|killed|read-only|switched|pin(?:ned|ning)|fix(?:ed|ing)?)\b/gi,
  ],
  [
    'detection',
    /\b(?:detect\w*|alert\w*|alarms?|paged|pager\w*|monitoring (?:system|alert)s? (?:triggered|fired)|fired|triggered|first (?:report|notic)\w*|reported|customer reports?|outage begins|began failing|started failing|spike|spiked)\b/gi,
  ],
  [
    'communication',
    /\b(?:status ?page|communicat\w*|announc\w*|tweet\w*|posted (?:an? )?(?:update|notice|message)|notified (?:customers|users|stakeholders)|informed (?:customers|users|stakeholders)|email(?:ed)? (?:to )?(?:customers|users|stakeholders)|public update|customer (?:update|notice))\b/gi,
  ],
  [
    'investigation',
    /\b(?:investigat\w*|look(?:ed|ing)? (?:into|at)|suspect\w*|hypothes\w*|assum\w*|identif\w*|discover\w*|found|noticed|review\w*|inspect\w*|diagnos\w*|ruled out|root cause|analy[sz]\w*|dug|dived|digging|checks|checked|checking|traced|confirmed|focus\w*|narrowed|examin\w*|debugg?\w*|clue|logs?|determined|revealed)\b/gi,
  ],
]

function firstUnnegated(pattern: RegExp, text: string): number {
  for (const m of text.matchAll(pattern)) {
    if (!NEGATION.test(text.slice(Math.max(0, m.index - 30), m.index))) return m.index
  }
  return -1
}

function earliestCue(text: string): EventKind | null {
  let best: EventKind | null = null
  let bestAt = Number.POSITIVE_INFINITY
  for (const [kind, pattern] of CUES) {
    const at = firstUnnegated(pattern, text)
    if (at >= 0 && at < bestAt) {
      best = kind
      bestAt = at
    }
  }
  return best
}

function kindOfText(text: string): EventKind | null {
  if (firstUnnegated(RESOLUTION, text) >= 0) return 'resolution'
  return earliestCue(text)
}

/** The kind of a timeline entry; `label` is a leading "Escalation:"-style label when there is one. */
export function inferEventKind(body: string, label: string | null = null): EventKind {
  if (label) {
    const fromLabel = kindOfText(label)
    if (fromLabel) return fromLabel
  }
  return kindOfText(body) ?? 'note'
}

const EXPLICIT: [RegExp, EventKind][] = [
  [/^detect|^alert|^trigger/i, 'detection'],
  [/^investigat|^diagnos|^triage/i, 'investigation'],
  [/^escalat|^page|^response/i, 'escalation'],
  [/^mitigat|^fix|^action|^recover/i, 'mitigation'],
  [/^resol|^close|^end/i, 'resolution'],
  [/^comm|^update|^status/i, 'communication'],
  [/^note|^other|^info/i, 'note'],
]

/** A kind written in a table column or tag ("Detection", "mitigate", "comms"), or null. */
export function explicitEventKind(text: string): EventKind | null {
  const word = text.trim()
  for (const [pattern, kind] of EXPLICIT) if (pattern.test(word)) return kind
  return null
}
