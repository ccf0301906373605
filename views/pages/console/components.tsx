import { ConsoleLayout, type ConsoleContext } from '../../layouts/console.tsx'
import { ConsoleAssets } from '../../partials/console/common.tsx'
import {
  ComponentsAdmin,
  type ComponentsAdminProps,
} from '../../partials/console/components-admin.tsx'

export function ComponentsPage(
  props: { ctx: ConsoleContext } & Omit<ComponentsAdminProps, 'csrfToken'>,
) {
  const { ctx, ...admin } = props
  return (
    <ConsoleLayout ctx={{ ...ctx, section: 'components' }} title="Components">
      <ConsoleAssets />
      <h1 class="page-title">Components</h1>
      <p class="muted">
        What the public page lists. A status set here is recorded in the component's history (and
        its uptime) like a change made during an incident.
      </p>
      <ComponentsAdmin {...admin} csrfToken={ctx.csrfToken} />
    </ConsoleLayout>
  )
}
