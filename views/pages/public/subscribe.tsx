import type { PublicPageContext } from '../../../src/app/get-public-incident.ts'
import {
  SUBSCRIBER_CHANNEL_LABELS,
  SUBSCRIBER_CHANNELS,
  type SubscriberChannel,
} from '../../../src/domain/enums.ts'
import { FormAlert } from '../../partials/form.tsx'
import { SubscriptionLayout } from '../../partials/public/subscribe-common.tsx'
import {
  ScopeFieldset,
  type ScopeChoice,
  type ScopeSection,
} from '../../partials/public/subscribe-scope.tsx'

export interface SubscribeFormValues extends ScopeChoice {
  channel: string
  target: string
}

export type SubscribeFormErrors = Partial<Record<'channel' | 'target' | 'scope' | 'form', string>>

// What to enter for each channel; subscribe.css shows only the checked channel's hint where the
// browser supports :has(), and all of them otherwise.
const TARGET_HINTS: Record<SubscriberChannel, string> = {
  email:
    'Your e-mail address. We send a link to confirm it; nothing else is sent until you use that link.',
  webhook:
    'The https:// URL of your endpoint. Updates arrive as JSON, signed with Standard Webhooks headers.',
  slack: 'A Slack incoming-webhook URL, such as https://hooks.slack.com/services/…',
  discord: 'A Discord channel webhook URL, such as https://discord.com/api/webhooks/…',
  teams:
    'A Microsoft Teams Workflows webhook URL (the "When a Teams webhook request is received" trigger).',
}

const TARGET_ERROR_ID = 'target-error'
const TARGET_HINT_ID = 'target-hint'
const CHANNEL_ERROR_ID = 'channel-error'

/** GET /subscribe, and the form again (422) with the field's message and what was typed. */
export function SubscribePage(props: {
  page: PublicPageContext
  sections: ScopeSection[]
  values: SubscribeFormValues
  errors?: SubscribeFormErrors
}) {
  const { values } = props
  const errors = props.errors ?? {}
  return (
    <SubscriptionLayout page={props.page} title="Subscribe to updates">
      <h1 class="page-title">Subscribe to updates</h1>
      <p class="lead">
        Get a message when an incident is opened, updated or resolved on {props.page.name}.
      </p>
      <FormAlert message={errors.form} />
      <form method="post" action="/subscribe" class="subscribe-form">
        <fieldset
          class={errors.channel ? 'subscribe-channel has-error' : 'subscribe-channel'}
          aria-describedby={errors.channel ? CHANNEL_ERROR_ID : undefined}
        >
          <legend>How should we reach you?</legend>
          <div class="channel-choices">
            {SUBSCRIBER_CHANNELS.map((channel) => (
              <label class="choice">
                <input
                  type="radio"
                  name="channel"
                  value={channel}
                  id={`channel-${channel}`}
                  checked={values.channel === channel}
                />{' '}
                <span>{SUBSCRIBER_CHANNEL_LABELS[channel]}</span>
              </label>
            ))}
          </div>
          {errors.channel ? (
            <p class="field-error" id={CHANNEL_ERROR_ID}>
              {errors.channel}
            </p>
          ) : null}
        </fieldset>
        <div class={errors.target ? 'form-row has-error' : 'form-row'}>
          <label for="target">E-mail address or webhook URL</label>
          <input
            id="target"
            name="target"
            type="text"
            value={values.target}
            required
            maxlength={2000}
            autocomplete="email"
            autocapitalize="none"
            spellcheck={false}
            aria-invalid={errors.target ? 'true' : undefined}
            aria-describedby={
              errors.target ? `${TARGET_HINT_ID} ${TARGET_ERROR_ID}` : TARGET_HINT_ID
            }
          />
          <div class="target-hints" id={TARGET_HINT_ID}>
            {SUBSCRIBER_CHANNELS.map((channel) => (
              <p class={`field-hint target-hint hint-${channel}`}>
                <span class="hint-channel">{SUBSCRIBER_CHANNEL_LABELS[channel]}:</span>{' '}
                {TARGET_HINTS[channel]}
              </p>
            ))}
          </div>
          {errors.target ? (
            <p class="field-error" id={TARGET_ERROR_ID}>
              {errors.target}
            </p>
          ) : null}
        </div>
        <ScopeFieldset sections={props.sections} choice={values} error={errors.scope} />
        <p class="form-actions">
          <button type="submit">Subscribe</button>
        </p>
      </form>
      <p class="muted small">
        Every message carries a link to change what you receive or to unsubscribe.
      </p>
    </SubscriptionLayout>
  )
}

/**
 * After an e-mail subscription. Deliberately the same whether the address was new, waiting for
 * confirmation or already subscribed: the page must not tell anyone which addresses are known.
 */
export function SubscribeSentPage(props: {
  page: PublicPageContext
  address: string
  ttlHours: number
}) {
  return (
    <SubscriptionLayout page={props.page} title="Check your inbox">
      <h1 class="page-title">Check your inbox to confirm</h1>
      <p>
        If <strong>{props.address}</strong> can receive mail, a message with a confirmation link is
        on its way. Nothing is sent to this address until the link is used.
      </p>
      <p class="muted">
        The link is valid for {props.ttlHours} hours. No mail? Check your spam folder, or{' '}
        <a href="/subscribe">subscribe again</a>.
      </p>
      <p class="more">
        <a href="/">Back to the status page</a>
      </p>
    </SubscriptionLayout>
  )
}

/** After a webhook, Slack, Discord or Teams subscription: its manage link, and a webhook's secret once. */
export function SubscribeEndpointPage(props: {
  page: PublicPageContext
  channelLabel: string
  target: string
  manageUrl: string
  /** Only for webhooks; shown here and never again. */
  secret: string | null
}) {
  return (
    <SubscriptionLayout page={props.page} title="Subscribed">
      <h1 class="page-title">You're subscribed</h1>
      <p>
        Updates will be sent to your {props.channelLabel} endpoint <code>{props.target}</code>.
      </p>
      <section class="panel">
        <h2>Keep this link</h2>
        <p>Use it to change the components you hear about, or to unsubscribe:</p>
        <p class="copyable">
          <a href={props.manageUrl}>{props.manageUrl}</a>
        </p>
      </section>
      {props.secret ? (
        <section class="panel secret-panel">
          <h2>Signing secret</h2>
          <p>
            <strong>Copy it now: it is shown only once.</strong> Every request is signed with it.
          </p>
          <p class="copyable">
            <code class="secret">{props.secret}</code>
          </p>
          <p>
            Requests follow the{' '}
            <a href="https://www.standardwebhooks.com/" rel="noreferrer">
              Standard Webhooks
            </a>{' '}
            specification. Check each one before trusting it:
          </p>
          <ol>
            <li>
              Read the <code>webhook-id</code>, <code>webhook-timestamp</code> (seconds) and{' '}
              <code>webhook-signature</code> headers; reject timestamps more than a few minutes old.
            </li>
            <li>
              Compute HMAC-SHA256 over <code>{'{webhook-id}.{webhook-timestamp}.{raw body}'}</code>{' '}
              with the base64-decoded part of the secret after <code>whsec_</code>.
            </li>
            <li>
              Compare it, base64-encoded and in constant time, with each <code>v1,…</code> entry of{' '}
              <code>webhook-signature</code> (there can be several while a secret is rotated).
            </li>
          </ol>
          <p class="muted">
            The Standard Webhooks libraries (for example the <code>standardwebhooks</code> npm
            package) do all of this for you. Use <code>webhook-id</code> to drop duplicates: a
            retried message keeps its id.
          </p>
        </section>
      ) : null}
      <p class="more">
        <a href="/">Back to the status page</a>
      </p>
    </SubscriptionLayout>
  )
}
