import { formatInZone } from '../../../domain/time.ts'
import type { BroadcastContent, Recipient } from '../content.ts'
import { describeChange, oneLine, summarize, truncate, type Tone } from './common.ts'

// Native messages for chat webhooks. Each platform has its own markup, escaping rules and length
// limits; all three get the same facts: what, its status, the responder's words, a link to the
// incident and a link to manage the subscription.

// --- Slack (incoming webhook, Block Kit) ---

const SLACK_HEADER_MAX = 150
const SLACK_SECTION_MAX = 3000
const SLACK_TEXT_MAX = 3000

/** Slack's three control characters (its formatting docs): &, < and > become entities. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

// Escaped first, so nothing the responder typed can form <!channel>, <@U…> or a link; then the
// two markdown constructs whose syntax differs in mrkdwn are rewritten.
export function markdownToSlack(markdown: string): string {
  return slackEscape(markdown)
    .replace(/\*\*(?=\S)([^*\n]+?)\*\*/g, '*$1*')
    .replace(/__(?=\S)([^_\n]+?)__/g, '*$1*')
    .replace(
      /\[([^\]\n|]+)\]\((https?:\/\/[^\s)|]+)\)/g,
      (_m, text: string, url: string) => `<${url}|${text}>`,
    )
}

function slackLink(url: string, label: string): string {
  return `<${slackEscape(url).replace(/\|/g, '%7C')}|${slackEscape(label)}>`
}

export function slackBody(content: BroadcastContent, recipient: Recipient): string {
  const s = summarize(content)
  const head = [`*${slackEscape(s.statusLabel)}*`, s.impactText && slackEscape(s.impactText)]
    .filter(Boolean)
    .join(' · ')
  const changes = s.changes.map((c) => `• ${slackEscape(oneLine(describeChange(c)))}`).join('\n')
  const section = fit(SLACK_SECTION_MAX, s.body, (body) =>
    [head, body && markdownToSlack(body), changes].filter(Boolean).join('\n\n'),
  )
  const seconds = Math.floor(s.at / 1000)
  const when = `<!date^${seconds}^{date_short_pretty} at {time}|${formatInZone(s.at, s.page.timeZone, 'datetime')}>`
  const links = [
    slackLink(s.url, s.incident ? 'View incident' : 'View status page'),
    slackLink(recipient.manageUrl, 'Manage subscription'),
  ].join(' · ')
  return JSON.stringify({
    // Shown in notifications and by clients that cannot draw blocks.
    text: truncate(
      slackEscape(oneLine(`[${s.page.name}] ${s.title}: ${s.statusLabel}`)),
      SLACK_TEXT_MAX,
    ),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: truncate(oneLine(s.title), SLACK_HEADER_MAX) },
      },
      { type: 'section', text: { type: 'mrkdwn', text: section } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `${slackEscape(oneLine(s.page.name))} · ${when}` },
          { type: 'mrkdwn', text: links },
        ],
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
  })
}

// --- Discord (channel webhook, one embed) ---

const DISCORD_TITLE_MAX = 256
const DISCORD_DESCRIPTION_MAX = 4096
const DISCORD_FIELD_VALUE_MAX = 1024
const DISCORD_AUTHOR_MAX = 256
const DISCORD_EMBED_TOTAL_MAX = 6000

const DISCORD_COLOURS: Record<Tone, number> = {
  resolved: 0x2e7d32,
  none: 0x546e7a,
  minor: 0xf9a825,
  major: 0xef6c00,
  critical: 0xc62828,
  maintenance: 0x1565c0,
}

/**
 * allowed_mentions already stops every ping; this also keeps @everyone, @here and <@…> from
 * reading as mentions (a zero-width space after the @).
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/gi, '@\u200b$1').replace(/<@/g, '<@\u200b')
}

export function discordBody(content: BroadcastContent, recipient: Recipient): string {
  const s = summarize(content)
  const safe = (text: string, max: number) => truncate(neutraliseMentions(text), max)
  const fields = [
    { name: 'Status', value: safe(s.statusLabel, DISCORD_FIELD_VALUE_MAX), inline: true },
    ...(s.impactText ? [{ name: 'Impact', value: s.impactText, inline: true }] : []),
    ...(s.changes.length
      ? [
          {
            name: s.incident ? 'Affected components' : 'Component',
            value: safe(s.changes.map(describeChange).join('\n'), DISCORD_FIELD_VALUE_MAX),
            inline: false,
          },
        ]
      : []),
    {
      name: 'Subscription',
      value: `[Manage subscription](${recipient.manageUrl})`,
      inline: false,
    },
  ]
  const title = safe(oneLine(s.title), DISCORD_TITLE_MAX)
  const author = safe(oneLine(s.page.name), DISCORD_AUTHOR_MAX)
  // The embed as a whole may not exceed 6000 characters; the description gets what is left.
  const used =
    title.length + author.length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  const room = Math.min(DISCORD_DESCRIPTION_MAX, DISCORD_EMBED_TOTAL_MAX - used)
  const description = safe(s.body.trim() || s.statusLabel, room)
  return JSON.stringify({
    embeds: [
      {
        author: { name: author, url: s.page.url },
        title,
        url: s.url,
        description,
        color: DISCORD_COLOURS[s.tone],
        fields,
        timestamp: new Date(s.at).toISOString(),
      },
    ],
    allowed_mentions: { parse: [] },
  })
}

// --- Microsoft Teams (Workflows webhook, Adaptive Card 1.4) ---

// Teams refuses messages over about 28 KB; a capped body keeps the card well under it.
const TEAMS_BODY_MAX = 6000
const TEAMS_TITLE_MAX = 500

const TEAMS_COLOURS: Record<Tone, string> = {
  resolved: 'Good',
  none: 'Default',
  minor: 'Warning',
  major: 'Warning',
  critical: 'Attention',
  maintenance: 'Accent',
}

export function teamsBody(content: BroadcastContent, recipient: Recipient): string {
  const s = summarize(content)
  const facts = [
    { title: 'Status', value: s.statusLabel },
    ...(s.impactText ? [{ title: 'Impact', value: s.impactText }] : []),
    ...s.changes.map((c) => ({
      title: oneLine(c.name),
      value: c.from && c.from !== c.to ? `${c.from} → ${c.to}` : c.to,
    })),
    { title: 'Posted', value: formatInZone(s.at, s.page.timeZone, 'datetime') },
  ]
  const body = s.body.trim()
  return JSON.stringify({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: truncate(oneLine(s.page.name), TEAMS_TITLE_MAX),
              size: 'Small',
              isSubtle: true,
              wrap: true,
            },
            {
              type: 'TextBlock',
              text: truncate(oneLine(s.title), TEAMS_TITLE_MAX),
              size: 'Large',
              weight: 'Bolder',
              wrap: true,
            },
            {
              type: 'TextBlock',
              text: [s.statusLabel, s.impactText].filter(Boolean).join(' · '),
              color: TEAMS_COLOURS[s.tone],
              weight: 'Bolder',
              wrap: true,
            },
            ...(body
              ? [{ type: 'TextBlock', text: truncate(body, TEAMS_BODY_MAX), wrap: true }]
              : []),
            { type: 'FactSet', facts },
          ],
          actions: [
            {
              type: 'Action.OpenUrl',
              title: s.incident ? 'View incident' : 'View status page',
              url: s.url,
            },
            { type: 'Action.OpenUrl', title: 'Manage subscription', url: recipient.manageUrl },
          ],
          msteams: { width: 'Full' },
        },
      },
    ],
  })
}

// Renders with a shrinking share of `source` until the result fits in `max` (escaping and markup
// make the output longer than its source, so the cut is made before rendering, never inside an
// entity or a link).
function fit(max: number, source: string, render: (part: string) => string): string {
  let budget = source.length
  let out = render(source)
  for (let round = 0; out.length > max && budget > 0 && round < 20; round++) {
    budget = Math.min(budget - 1, Math.floor((budget * max) / out.length))
    out = render(truncate(source, budget))
  }
  return out.length > max ? truncate(out, max) : out
}
