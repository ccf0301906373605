import { EmailLayout, renderEmail } from './layout.tsx'

// Double opt-in: the only mail an address gets before its owner confirms.

export interface ConfirmationEmailView {
  subject: string
  pageName: string
  confirmUrl: string
  manageUrl: string
  expires: string
}

export function ConfirmationEmail(props: { view: ConfirmationEmailView }) {
  const v = props.view
  return (
    <EmailLayout
      title={v.subject}
      pageName={v.pageName}
      pageUrl={null}
      footer={
        <p>
          If you did not ask for this, ignore this message: nothing more will be sent to this
          address unless the link above is used.
        </p>
      }
    >
      <h1>Confirm your subscription</h1>
      <p>
        Someone, hopefully you, asked to receive status updates from {v.pageName} at this address.
        Confirm to start receiving them.
      </p>
      <a class="button" href={v.confirmUrl}>
        Confirm subscription
      </a>
      <p class="when">This link expires on {v.expires}.</p>
      <p>
        You can choose components or cancel at any time:{' '}
        <a href={v.manageUrl}>manage your subscription</a>.
      </p>
    </EmailLayout>
  )
}

export function renderConfirmationEmail(view: ConfirmationEmailView): string {
  return renderEmail(<ConfirmationEmail view={view} />)
}
