import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { pageContext } from '../../app/get-public-incident.ts'
import { getSettings } from '../../app/get-settings.ts'
import {
  confirmSubscription,
  resubscribe,
  subscribe,
  subscriberByManageToken,
  unsubscribe,
  updateSubscriptionScope,
} from '../../app/subscriptions.ts'
import { SUBSCRIBER_CHANNEL_LABELS, type SubscriberChannel } from '../../domain/enums.ts'
import { AppError } from '../../domain/errors.ts'
import type { Component, ComponentGroup, Subscriber } from '../../domain/types.ts'
import {
  SubscribeEndpointPage,
  SubscribePage,
  SubscribeSentPage,
  type SubscribeFormErrors,
  type SubscribeFormValues,
} from '../../../views/pages/public/subscribe.tsx'
import {
  ConfirmedPage,
  ConfirmPromptPage,
  ManagePage,
  managePath,
  SubscriptionNotFoundPage,
  UnsubscribedPage,
  UnsubscribePromptPage,
} from '../../../views/pages/public/subscription.tsx'
import type { ScopeChoice, ScopeSection } from '../../../views/partials/public/subscribe-scope.tsx'
import { afterResponse } from '../after-response.ts'
import type { AppEnv } from '../env.ts'
import { handleError, toAppError } from '../errors.tsx'
import { readForm } from '../forms.ts'
import { clientAddress } from '../middleware/session.ts'
import { markSecured, securityHeadersFor } from '../middleware/security.ts'
import { publicBaseUrl } from '../public-url.ts'

// The public subscription pages: subscribe, confirm, manage, unsubscribe. Plain forms, no
// JavaScript, no session. The links carry secret tokens, so nothing here is cached, indexed or
// leaked in a Referer; and no GET changes anything (mail scanners prefetch every link).
export const subscriptionRoutes = new Hono<AppEnv>()

type C = Context<AppEnv>
type Form = Record<string, string | string[]>

// Registered per path: this router is mounted at '/', where a '*' middleware would also run on
// (and un-cache) the public status pages.
const privatePage: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  const headers = c.res.headers
  for (const [name, value] of Object.entries(securityHeadersFor(c.var.deps.config)))
    headers.set(name, value)
  headers.set('Referrer-Policy', 'no-referrer')
  headers.set('Cache-Control', 'no-store')
  headers.set('X-Robots-Tag', 'noindex')
  // The app-wide middleware would put its own Referrer-Policy back; marked, it leaves this alone.
  markSecured(c.res)
}
subscriptionRoutes.use('/subscribe', privatePage)
subscriptionRoutes.use('/subscriptions/*', privatePage)

// A dead, expired or mistyped link gets a page that leads back to the form; every other error
// takes the app's one mapping.
subscriptionRoutes.onError(async (err, c) => {
  const appErr = toAppError(err)
  if (appErr?.code !== 'NOT_FOUND' || !c.req.path.startsWith('/subscriptions/'))
    return handleError(err, c)
  const page = pageContext(await getSettings(c.var.deps))
  return c.html(<SubscriptionNotFoundPage page={page} message={appErr.message} />, 404)
})

/** Visible components as the page shows them: groups and ungrouped components in console order. */
function scopeSections(components: Component[], groups: ComponentGroup[]): ScopeSection[] {
  const groupsById = new Map(groups.map((g) => [g.id, g]))
  const sections: ScopeSection[] = []
  const groupSections = new Map<string, Extract<ScopeSection, { kind: 'group' }>>()
  // listComponents already interleaves groups and ungrouped components by position.
  for (const c of components) {
    if (!c.visible) continue
    const item = { id: c.id, name: c.name }
    const group = c.groupId ? groupsById.get(c.groupId) : undefined
    if (!group) {
      sections.push({ kind: 'component', component: item })
      continue
    }
    let section = groupSections.get(group.id)
    if (!section) {
      section = { kind: 'group', id: group.id, name: group.name, components: [] }
      groupSections.set(group.id, section)
      sections.push(section)
    }
    section.components.push(item)
  }
  return sections
}

async function loadPage(c: C) {
  const { store } = c.var.deps
  const [settings, components, groups] = await Promise.all([
    getSettings(c.var.deps),
    store.listComponents(),
    store.listGroups(),
  ])
  return { settings, page: pageContext(settings), sections: scopeSections(components, groups) }
}

const one = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '')
const list = (v: string | string[] | undefined): string[] => [
  ...new Set(Array.isArray(v) ? v : v ? [v] : []),
]

/**
 * The component choice from the checkboxes. "All components" ignores the ticks; "only these"
 * with nothing ticked is an error rather than a silent "everything". A component whose whole
 * group is ticked is dropped: the group covers it.
 */
function readScope(form: Form, sections: ScopeSection[]): { choice: ScopeChoice; error?: string } {
  const componentIds = list(form.componentIds)
  const groupIds = list(form.groupIds)
  const mode = one(form.scope)
  const all = mode === 'all' || (mode !== 'chosen' && !componentIds.length && !groupIds.length)
  if (all) return { choice: { all: true, componentIds: [], groupIds: [] } }
  if (!componentIds.length && !groupIds.length)
    return {
      choice: { all: false, componentIds, groupIds },
      error: 'Tick at least one component or group, or choose All components',
    }
  const chosenGroups = new Set(groupIds)
  const covered = new Set(
    sections.flatMap((s) =>
      s.kind === 'group' && chosenGroups.has(s.id) ? s.components.map((x) => x.id) : [],
    ),
  )
  return {
    choice: { all: false, componentIds: componentIds.filter((id) => !covered.has(id)), groupIds },
  }
}

/** A use case's VALIDATION error as messages for the form; anything else goes to the mapper. */
function formErrors(err: unknown): SubscribeFormErrors {
  const appErr = toAppError(err)
  if (appErr?.code !== 'VALIDATION') throw err
  const errors: SubscribeFormErrors = {}
  for (const issue of appErr.issues) {
    const field = issue.field.split('.')[0]
    const key =
      field === 'channel' || field === 'target'
        ? field
        : field === 'componentIds' || field === 'groupIds'
          ? 'scope'
          : 'form'
    errors[key] ??= key === 'form' ? appErr.message : issue.message
  }
  if (!Object.keys(errors).length) errors.form = appErr.message
  return errors
}

// A cheap brake on cross-site form spam (the rate limit is the real one). Our own pages send
// `Origin: null` (Referrer-Policy: no-referrer), so as in the console's check, Sec-Fetch-Site
// decides when the Origin is absent or null.
function fromAnotherSite(c: C, pageUrl: string | null): boolean {
  const origin = c.req.header('Origin')
  if (!origin || origin === 'null') return c.req.header('Sec-Fetch-Site') === 'cross-site'
  const own = new Set([
    new URL(c.req.url).origin,
    new URL(publicBaseUrl(c, pageUrl)).origin,
    new URL(publicBaseUrl(c, null)).origin,
  ])
  if (c.var.deps.config.TRUST_PROXY) {
    const proto = c.req.header('X-Forwarded-Proto')?.split(',')[0]?.trim()
    const host = c.req.header('X-Forwarded-Host')?.split(',')[0]?.trim() ?? c.req.header('Host')
    if (proto && host) own.add(`${proto}://${host}`)
  }
  return !own.has(origin)
}

/** An endpoint URL cut to its origin and the start of its path: enough to recognise, not to use. */
function shownTarget(sub: Pick<Subscriber, 'channel' | 'target'>): string {
  if (sub.channel === 'email') return sub.target
  let url: URL
  try {
    url = new URL(sub.target)
  } catch {
    return '…'
  }
  // Chat webhook URLs carry their credential in the path (Slack's /services/T…/B…/secret).
  const first = url.pathname.split('/').find(Boolean) ?? ''
  if (first.length > 16) return `${url.origin}/${first.slice(0, 12)}…`
  const whole = url.pathname.replace(/\/+$/, '') === (first ? `/${first}` : '') && !url.search
  return `${url.origin}/${first}${whole ? '' : first ? '/…' : '…'}`
}

const EMPTY_FORM: SubscribeFormValues = {
  channel: 'email',
  target: '',
  all: true,
  componentIds: [],
  groupIds: [],
}

subscriptionRoutes.get('/subscribe', async (c) => {
  const { page, sections } = await loadPage(c)
  return c.html(<SubscribePage page={page} sections={sections} values={EMPTY_FORM} />)
})

subscriptionRoutes.post('/subscribe', async (c) => {
  const { deps } = c.var
  const { settings, page, sections } = await loadPage(c)
  if (fromAnotherSite(c, settings.pageUrl))
    throw new AppError('FORBIDDEN', 'Subscriptions are accepted only from this site’s own form')
  const form = await readForm(c)
  const scope = readScope(form, sections)
  const values: SubscribeFormValues = {
    channel: one(form.channel) || 'email',
    target: one(form.target),
    ...scope.choice,
  }
  const again = (errors: SubscribeFormErrors) =>
    c.html(<SubscribePage page={page} sections={sections} values={values} errors={errors} />, 422)
  if (scope.error) return again({ scope: scope.error })

  let result
  try {
    result = await subscribe(
      deps,
      {
        // Unchecked here on purpose: the use case parses the whole input and names the field.
        channel: values.channel as SubscriberChannel,
        target: values.target,
        componentIds: [...values.componentIds],
        groupIds: [...values.groupIds],
      },
      clientAddress(c),
    )
  } catch (err) {
    return again(formErrors(err))
  }
  afterResponse(c, result.sending)

  const sub = result.subscriber
  if (!sub) {
    // E-mail: one answer for new, pending and already-subscribed addresses alike.
    return c.html(
      <SubscribeSentPage
        page={page}
        address={values.target.trim()}
        ttlHours={deps.config.CONFIRM_TTL_HOURS}
      />,
    )
  }
  return c.html(
    <SubscribeEndpointPage
      page={page}
      channelLabel={SUBSCRIBER_CHANNEL_LABELS[sub.channel]}
      target={shownTarget(sub)}
      manageUrl={`${publicBaseUrl(c, settings.pageUrl)}${managePath(sub.manageToken)}`}
      secret={sub.channel === 'webhook' ? sub.secret : null}
    />,
  )
})

subscriptionRoutes.get('/subscriptions/confirm/:token', async (c) => {
  // No lookup and no change: the button below does the confirming.
  const { page } = await loadPage(c)
  const action = `/subscriptions/confirm/${encodeURIComponent(c.req.param('token'))}`
  return c.html(<ConfirmPromptPage page={page} action={action} />)
})

subscriptionRoutes.post('/subscriptions/confirm/:token', async (c) => {
  const { subscriber } = await confirmSubscription(c.var.deps, c.req.param('token'))
  const { page } = await loadPage(c)
  return c.html(<ConfirmedPage page={page} token={subscriber.manageToken} />)
})

function manageView(sub: Subscriber) {
  return {
    token: sub.manageToken,
    channelLabel: SUBSCRIBER_CHANNEL_LABELS[sub.channel],
    target: shownTarget(sub),
    state: sub.state,
  }
}

const choiceOf = (sub: Subscriber): ScopeChoice => ({
  all: sub.allComponents,
  componentIds: sub.componentIds,
  groupIds: sub.groupIds,
})

subscriptionRoutes.get('/subscriptions/:token', async (c) => {
  const sub = await subscriberByManageToken(c.var.deps, c.req.param('token'))
  const { page, sections } = await loadPage(c)
  return c.html(
    <ManagePage page={page} view={manageView(sub)} sections={sections} choice={choiceOf(sub)} />,
  )
})

subscriptionRoutes.post('/subscriptions/:token', async (c) => {
  const token = c.req.param('token')
  const sub = await subscriberByManageToken(c.var.deps, token)
  const { page, sections } = await loadPage(c)
  const scope = readScope(await readForm(c), sections)
  const again = (errors: SubscribeFormErrors) =>
    c.html(
      <ManagePage
        page={page}
        view={manageView(sub)}
        sections={sections}
        choice={scope.choice}
        errors={errors}
      />,
      422,
    )
  if (scope.error) return again({ scope: scope.error })
  let after: Subscriber
  try {
    after = await updateSubscriptionScope(c.var.deps, token, {
      componentIds: [...scope.choice.componentIds],
      groupIds: [...scope.choice.groupIds],
    })
  } catch (err) {
    return again(formErrors(err))
  }
  return c.html(
    <ManagePage
      page={page}
      view={manageView(after)}
      sections={sections}
      choice={choiceOf(after)}
      notice="Saved: your component choice is updated."
    />,
  )
})

subscriptionRoutes.get('/subscriptions/:token/unsubscribe', async (c) => {
  const sub = await subscriberByManageToken(c.var.deps, c.req.param('token'))
  const { page } = await loadPage(c)
  if (sub.state === 'unsubscribed')
    return c.html(<UnsubscribedPage page={page} token={sub.manageToken} />)
  return c.html(<UnsubscribePromptPage page={page} token={sub.manageToken} />)
})

// RFC 8058 one-click: mail providers POST `List-Unsubscribe=One-Click` (urlencoded or multipart)
// without cookies. The token is the whole authorisation, the body is not needed, and the answer is
// a 200 page, not a redirect.
subscriptionRoutes.post('/subscriptions/:token/unsubscribe', async (c) => {
  const sub = await unsubscribe(c.var.deps, c.req.param('token'))
  const { page } = await loadPage(c)
  return c.html(<UnsubscribedPage page={page} token={sub.manageToken} />)
})

subscriptionRoutes.post('/subscriptions/:token/resubscribe', async (c) => {
  const sub = await resubscribe(c.var.deps, c.req.param('token'))
  const { page, sections } = await loadPage(c)
  return c.html(
    <ManagePage
      page={page}
      view={manageView(sub)}
      sections={sections}
      choice={choiceOf(sub)}
      notice={sub.state === 'active' ? 'You are subscribed again.' : null}
    />,
  )
})
