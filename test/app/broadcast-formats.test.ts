import { describe, expect, it } from 'vitest'
import { discordBody, slackBody, teamsBody } from '../../src/app/broadcast/formats/chat.ts'
import { webhookBody, webhookTemplate } from '../../src/app/broadcast/formats/statuspage.ts'
import {
  at,
  componentContent,
  identified,
  incident,
  incidentContent,
  investigating,
  recipient,
} from './broadcast-fixtures.ts'

// Parsed webhook bodies are explored field by field; `any` keeps those assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/

describe('Statuspage webhook body', () => {
  it('wraps an incident update in meta, page and incident with the subscriber’s unsubscribe link', () => {
    const body: Json = JSON.parse(webhookBody(incidentContent(), recipient({ channel: 'webhook' })))

    expect(Object.keys(body)).toEqual(['meta', 'page', 'incident'])
    expect(body.meta).toEqual({
      unsubscribe: 'https://status.acme.example/subscriptions/tok_manage_1/unsubscribe',
      documentation: expect.stringMatching(/^https:\/\//),
      generated_at: '2025-01-15T11:46:00+01:00',
    })
    expect(body.page).toEqual({
      id: 'page1',
      status_indicator: 'major',
      status_description: 'Partial System Outage',
    })
  })

  it('gives the incident every Statuspage field, with page-zone timestamps and Statuspage’s nulls', () => {
    const { incident: inc }: Json = JSON.parse(webhookBody(incidentContent(), recipient()))

    expect(inc).toMatchObject({
      id: 'inc_1',
      page_id: 'page1',
      name: 'Elevated API errors',
      status: 'identified',
      impact: 'major',
      shortlink: 'https://status.acme.example/incidents/inc_1',
      // 10:00Z is 11:00 in Berlin in January.
      started_at: '2025-01-15T11:00:00+01:00',
      created_at: '2025-01-15T11:02:00+01:00',
      updated_at: '2025-01-15T11:50:00+01:00',
      monitoring_at: null,
      resolved_at: null,
      postmortem_body: null,
      postmortem_published_at: null,
      scheduled_for: null,
      scheduled_until: null,
      impact_override: null,
      backfilled: false,
    })
    for (const key of ['created_at', 'updated_at', 'started_at']) {
      expect(inc[key]).toMatch(ISO_WITH_OFFSET)
    }
    expect(inc.components).toEqual([
      {
        status: 'partial_outage',
        name: 'API',
        created_at: '2024-06-01T10:00:00+02:00',
        updated_at: '2025-01-15T11:45:00+01:00',
        position: 1,
        description: 'Public REST API',
        showcase: true,
        id: 'cmp_api',
        page_id: 'page1',
        group_id: null,
      },
      expect.objectContaining({ id: 'cmp_web', description: null, group_id: 'grp_front' }),
    ])
  })

  it('lists incident updates newest first, each with its affected components and display time', () => {
    const oldestFirst = incidentContent({
      incident: incident({ updates: [investigating, identified] }),
    })
    for (const content of [incidentContent(), oldestFirst]) {
      const { incident: inc }: Json = JSON.parse(webhookBody(content, recipient()))
      expect(inc.incident_updates.map((u: Json) => u.id)).toEqual(['evt_2', 'evt_1'])
      expect(inc.incident_updates[0]).toEqual({
        status: 'identified',
        body: identified.body,
        created_at: '2025-01-15T11:46:00+01:00',
        wants_twitter_update: false,
        twitter_updated_at: null,
        updated_at: '2025-01-15T11:50:00+01:00',
        display_at: '2025-01-15T11:45:00+01:00',
        affected_components: [
          {
            code: 'cmp_api',
            name: 'API',
            old_status: 'major_outage',
            new_status: 'partial_outage',
          },
        ],
        custom_tweet: null,
        deliver_notifications: true,
        id: 'evt_2',
        incident_id: 'inc_1',
      })
      // Never edited: updated_at is when it was posted.
      expect(inc.incident_updates[1].updated_at).toBe('2025-01-15T11:02:00+01:00')
      expect(inc.incident_updates[1].affected_components).toHaveLength(2)
    }
  })

  it('fills monitoring_at and resolved_at once the timeline has reached them', () => {
    const monitoring = {
      ...identified,
      id: 'evt_3',
      status: 'monitoring' as const,
      at: at('2025-01-15T11:10:00Z'),
      postedAt: at('2025-01-15T11:10:00Z'),
      editedAt: null,
      affectedComponents: [],
    }
    const resolved = {
      ...monitoring,
      id: 'evt_4',
      status: 'resolved' as const,
      at: at('2025-01-15T11:30:00Z'),
      postedAt: at('2025-01-15T11:30:00Z'),
    }
    const content = incidentContent({
      kind: 'incident_resolved',
      incident: incident({
        status: 'resolved',
        resolvedAt: resolved.at,
        updates: [resolved, monitoring, identified, investigating],
      }),
      update: resolved,
    })

    const { incident: inc }: Json = JSON.parse(webhookBody(content, recipient()))

    expect(inc.status).toBe('resolved')
    expect(inc.monitoring_at).toBe('2025-01-15T12:10:00+01:00')
    expect(inc.resolved_at).toBe('2025-01-15T12:30:00+01:00')
    expect(inc.incident_updates.map((u: Json) => u.status)).toEqual([
      'resolved',
      'monitoring',
      'identified',
      'investigating',
    ])
  })

  it('describes a component change with component_update and component, and no incident', () => {
    const body: Json = JSON.parse(webhookBody(componentContent(), recipient()))

    expect(Object.keys(body).sort()).toEqual(['component', 'component_update', 'meta', 'page'])
    expect(body.page.status_indicator).toBe('critical')
    expect(body.component_update).toEqual({
      old_status: 'operational',
      new_status: 'major_outage',
      created_at: '2025-02-01T13:00:00+01:00',
      component_type: 'Component',
      id: 'chg_7',
      component_id: 'cmp_api',
    })
    expect(body.component).toMatchObject({
      id: 'cmp_api',
      name: 'API',
      status: 'major_outage',
      created_at: '2024-06-01T10:00:00+02:00',
      page_id: 'page1',
      group_id: null,
    })
  })

  it('differs between subscribers only in the unsubscribe link', () => {
    const one: Json = JSON.parse(webhookBody(incidentContent(), recipient()))
    const other: Json = JSON.parse(
      webhookBody(
        incidentContent(),
        recipient({
          subscriberId: 'sub_2',
          deliveryId: 'dlv_200',
          unsubscribeUrl: 'https://status.acme.example/subscriptions/tok_2/unsubscribe',
        }),
      ),
    )
    expect(other.meta.unsubscribe).toBe(
      'https://status.acme.example/subscriptions/tok_2/unsubscribe',
    )
    expect({ ...other, meta: { ...other.meta, unsubscribe: null } }).toEqual({
      ...one,
      meta: { ...one.meta, unsubscribe: null },
    })
  })

  it('serialises the shared part once per broadcast and still gives each recipient their own meta', () => {
    for (const content of [incidentContent(), componentContent()]) {
      const template = webhookTemplate(content)
      const odd = recipient({ unsubscribeUrl: 'https://status.acme.example/u/"quoted"\\\u2028' })
      for (const r of [recipient(), odd]) {
        const body = template(r)
        expect(body).toBe(webhookBody(content, r))
        const parsed: Json = JSON.parse(body)
        expect(parsed.meta.unsubscribe).toBe(r.unsubscribeUrl)
        expect(Object.keys(parsed)[0]).toBe('meta')
      }
    }
  })
})

const hostile = '<img src=x onerror=alert(1)>'

describe('Slack message', () => {
  it('has fallback text, a header, a status section and links to the incident and the manage page', () => {
    const body: Json = JSON.parse(slackBody(incidentContent(), recipient({ channel: 'slack' })))

    expect(body.text).toBe('[Acme Status] Elevated API errors: Identified')
    expect(body.blocks.map((b: Json) => b.type)).toEqual(['header', 'section', 'context'])
    expect(body.blocks[0].text).toEqual({ type: 'plain_text', text: 'Elevated API errors' })
    const section = body.blocks[1].text
    expect(section.type).toBe('mrkdwn')
    expect(section.text).toContain('*Identified* · Major impact')
    // Markdown bold and links become mrkdwn; & in the link is escaped like all text.
    expect(section.text).toContain('A *database failover* caused the errors')
    expect(section.text).toContain('<https://acme.example/notes?a=1&amp;b=2|notes>')
    expect(section.text).toContain('• API: Major Outage → Partial Outage')
    const context = body.blocks[2].elements.map((e: Json) => e.text).join(' ')
    expect(context).toContain('<https://status.acme.example/incidents/inc_1|View incident>')
    expect(context).toContain(
      '<https://status.acme.example/subscriptions/tok_manage_1|Manage subscription>',
    )
  })

  it('escapes &, < and > in everything a responder wrote, so no tag, link or mention forms', () => {
    const content = incidentContent({
      incident: incident({ name: hostile }),
      update: { ...identified, body: 'Ping <!channel> & <@U123> now > later' },
    })
    const body: Json = JSON.parse(slackBody(content, recipient()))

    const section = body.blocks[1].text.text as string
    expect(section).toContain('Ping &lt;!channel&gt; &amp; &lt;@U123&gt; now &gt; later')
    expect(section).not.toContain('<!channel>')
    expect(body.text).toBe('[Acme Status] &lt;img src=x onerror=alert(1)&gt;: Identified')
    expect(JSON.stringify(body.blocks.slice(1))).not.toContain('<img')
  })

  it('keeps the section within 3000 characters and the header within 150, never cutting an entity', () => {
    const content = incidentContent({
      incident: incident({ name: 'N'.repeat(400) }),
      update: { ...identified, body: '<&>'.repeat(2000) },
    })
    const body: Json = JSON.parse(slackBody(content, recipient()))

    const section = body.blocks[1].text.text as string
    expect(section.length).toBeLessThanOrEqual(3000)
    expect(section.length).toBeGreaterThan(2500)
    expect(section).toMatch(/(&lt;|&amp;|&gt;)…\n\n• API/)
    expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(150)
  })

  it('tells a component change outside incidents with a link to the status page', () => {
    const body: Json = JSON.parse(slackBody(componentContent(), recipient()))

    expect(body.text).toBe('[Acme Status] API: Major Outage')
    expect(body.blocks[1].text.text).toContain('API changed from Operational to Major Outage.')
    expect(body.blocks[2].elements[1].text).toContain(
      '<https://status.acme.example|View status page>',
    )
  })
})

describe('Discord message', () => {
  it('is one embed with title, link, description, colour, fields and timestamp, and pings nobody', () => {
    const body: Json = JSON.parse(discordBody(incidentContent(), recipient({ channel: 'discord' })))

    expect(body.allowed_mentions).toEqual({ parse: [] })
    expect(body.embeds).toHaveLength(1)
    const [embed] = body.embeds
    expect(embed).toMatchObject({
      title: 'Elevated API errors',
      url: 'https://status.acme.example/incidents/inc_1',
      description: identified.body,
      author: { name: 'Acme Status', url: 'https://status.acme.example' },
      timestamp: '2025-01-15T10:45:00.000Z',
    })
    expect(Number.isInteger(embed.color)).toBe(true)
    expect(embed.fields).toEqual([
      { name: 'Status', value: 'Identified', inline: true },
      { name: 'Impact', value: 'Major impact', inline: true },
      { name: 'Affected components', value: 'API: Major Outage → Partial Outage', inline: false },
      {
        name: 'Subscription',
        value: '[Manage subscription](https://status.acme.example/subscriptions/tok_manage_1)',
        inline: false,
      },
    ])
  })

  it('does not produce @everyone or @here from a body or a name, even as text', () => {
    const content = incidentContent({
      incident: incident({ name: 'Outage @here' }),
      update: { ...identified, body: '@everyone the API is down, @Here too, cc <@&42>' },
    })
    const raw = discordBody(content, recipient())
    const body: Json = JSON.parse(raw)

    expect(body.allowed_mentions.parse).toEqual([])
    expect(raw).not.toMatch(/@(everyone|here)/i)
    expect(raw).not.toContain('<@&')
    // Still readable: only an invisible space was added.
    expect(body.embeds[0].description.replace(/\u200b/g, '')).toBe(
      '@everyone the API is down, @Here too, cc <@&42>',
    )
  })

  it('colours by impact while open and green once resolved', () => {
    const colour = (content: ReturnType<typeof incidentContent>) =>
      JSON.parse(discordBody(content, recipient())).embeds[0].color as number
    const critical = colour(incidentContent({ incident: incident({ impact: 'critical' }) }))
    const minor = colour(incidentContent({ incident: incident({ impact: 'minor' }) }))
    const resolved = colour(
      incidentContent({
        kind: 'incident_resolved',
        incident: incident({ impact: 'critical' }),
        update: { ...identified, status: 'resolved' },
      }),
    )
    expect(new Set([critical, minor, resolved]).size).toBe(3)
  })

  it('stays within Discord’s limits: title 256, description 4096, whole embed 6000', () => {
    const content = incidentContent({
      incident: incident({ name: 'T'.repeat(1000) }),
      update: { ...identified, body: 'x'.repeat(10_000) },
    })
    const [embed]: Json[] = JSON.parse(discordBody(content, recipient())).embeds

    expect(embed.title.length).toBeLessThanOrEqual(256)
    expect(embed.description.length).toBeLessThanOrEqual(4096)
    const total =
      embed.title.length +
      embed.description.length +
      embed.author.name.length +
      embed.fields.reduce((n: number, f: Json) => n + f.name.length + f.value.length, 0)
    expect(total).toBeLessThanOrEqual(6000)
  })
})

describe('Microsoft Teams message', () => {
  it('is an Adaptive Card 1.4 in a Workflows message, with buttons to the incident and the manage page', () => {
    const body: Json = JSON.parse(teamsBody(incidentContent(), recipient({ channel: 'teams' })))

    expect(body.type).toBe('message')
    expect(body.attachments).toHaveLength(1)
    const [attachment] = body.attachments
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive')
    const card = attachment.content
    expect(card).toMatchObject({
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
    })
    const texts = card.body.filter((b: Json) => b.type === 'TextBlock').map((b: Json) => b.text)
    expect(texts).toEqual([
      'Acme Status',
      'Elevated API errors',
      'Identified · Major impact',
      identified.body,
    ])
    const facts = card.body.find((b: Json) => b.type === 'FactSet').facts
    expect(facts).toContainEqual({ title: 'API', value: 'Major Outage → Partial Outage' })
    expect(facts).toContainEqual({ title: 'Posted', value: 'Jan 15, 2025, 11:45 CET' })
    expect(card.actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'View incident',
        url: 'https://status.acme.example/incidents/inc_1',
      },
      {
        type: 'Action.OpenUrl',
        title: 'Manage subscription',
        url: 'https://status.acme.example/subscriptions/tok_manage_1',
      },
    ])
  })

  it('tells a component change with its old and new status', () => {
    const card: Json = JSON.parse(teamsBody(componentContent(), recipient())).attachments[0].content

    expect(card.body[1].text).toBe('API')
    expect(card.body[3].text).toBe('API changed from Operational to Major Outage.')
    expect(card.actions[0]).toMatchObject({ title: 'View status page', url: page().url })
  })
})

function page() {
  return componentContent().page
}
