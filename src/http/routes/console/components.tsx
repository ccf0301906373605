import { Hono } from 'hono'
import type { z } from 'zod'
import {
  CreateComponentGroupInput,
  createComponentGroup,
  deleteComponentGroup,
  moveComponentGroup,
  UpdateComponentGroupInput,
  updateComponentGroup,
} from '../../../app/component-groups.ts'
import {
  CreateComponentInput,
  createComponent,
  deleteComponent,
  moveComponent,
  UpdateComponentInput,
  updateComponent,
} from '../../../app/components.ts'
import { invalid, notFound } from '../../../domain/errors.ts'
import { ComponentsPage } from '../../../../views/pages/console/components.tsx'
import type { FieldErrors, FormState } from '../../../../views/partials/console/common.tsx'
import { ComponentsAdmin } from '../../../../views/partials/console/components-admin.tsx'
import type { AppEnv } from '../../env.ts'
import { parseFields, readForm } from '../../forms.ts'
import { requireUser } from '../../middleware/session.ts'
import { isHtmx } from '../../respond.ts'
import { str, userOf, validationErrors, valuesOf, actorOf, type C, type Form } from './support.ts'

// Components and groups. Every mutation answers htmx with the re-rendered admin section (its
// container is the inherited hx-target), and a plain form post with a 303 back to the page; a
// form that fails validation is re-rendered with its messages (422) either way.

export const componentsRoutes = new Hono<AppEnv>()
const writers = requireUser('owner', 'responder')

/**
 * Validates with the use case's schema (messages name the form's fields), runs the use case on
 * the same input, and turns a VALIDATION error it raises into field errors.
 */
async function attempt<S extends z.ZodType>(
  schema: S,
  input: unknown,
  run: (data: z.input<S>) => Promise<unknown>,
): Promise<FieldErrors | null> {
  const parsed = parseFields(schema, input)
  if (!parsed.ok) return parsed.errors
  try {
    // The input just passed the schema; the use case parses it again (its transforms included).
    await run(input as z.input<S>)
    return null
  } catch (err) {
    return validationErrors(err)
  }
}

/** The section (htmx), the page (a failed plain form), or a redirect back (a plain success). */
async function answer(
  c: C,
  opts: { failed?: { key: string; form: FormState }; notice?: string } = {},
) {
  const status = opts.failed ? 422 : 200
  if (!isHtmx(c) && !opts.failed && c.req.method === 'POST')
    return c.redirect('/console/components', 303)
  const { store } = c.var.deps
  const [groups, components] = await Promise.all([store.listGroups(), store.listComponents()])
  const user = userOf(c)
  const props = {
    groups,
    components,
    canWrite: user.role === 'owner' || user.role === 'responder',
    ...(opts.failed ? { failed: opts.failed } : {}),
    ...(opts.notice ? { notice: opts.notice } : {}),
  }
  c.header('Vary', 'HX-Request', { append: true })
  if (isHtmx(c)) return c.html(<ComponentsAdmin {...props} csrfToken={c.var.csrfToken} />, status)
  return c.html(<ComponentsPage ctx={{ user, csrfToken: c.var.csrfToken }} {...props} />, status)
}

async function existingComponent(c: C, id: string) {
  const component = await c.var.deps.store.getComponent(id)
  if (!component) throw notFound('Component', id)
  return component
}

async function existingGroup(c: C, id: string) {
  const group = await c.var.deps.store.getGroup(id)
  if (!group) throw notFound('Group', id)
  return group
}

function direction(form: Form): 'up' | 'down' {
  const d = str(form.direction)
  if (d !== 'up' && d !== 'down') throw invalid('direction', 'must be up or down')
  return d
}

componentsRoutes.get('/components', requireUser(), (c) => answer(c))

// --- components ---

componentsRoutes.post('/components', writers, async (c) => {
  const form = await readForm(c)
  const input = {
    name: str(form.name),
    description: str(form.description),
    groupId: str(form.groupId) || null,
    status: str(form.status) || undefined,
    visible: str(form.visible) === 'on',
  }
  const errors = await attempt(CreateComponentInput, input, (data) =>
    createComponent(c.var.deps, actorOf(c), data),
  )
  if (errors)
    return answer(c, {
      failed: { key: 'component:new', form: { values: valuesOf(form, ['visible']), errors } },
    })
  return answer(c, { notice: `Component “${input.name.trim()}” created.` })
})

componentsRoutes.post('/components/:id', writers, async (c) => {
  const component = await existingComponent(c, c.req.param('id'))
  const form = await readForm(c)
  const input = {
    name: str(form.name),
    description: str(form.description),
    groupId: str(form.groupId) || null,
  }
  const errors = await attempt(UpdateComponentInput, input, (data) =>
    updateComponent(c.var.deps, actorOf(c), component.id, data),
  )
  if (errors)
    return answer(c, {
      failed: { key: `component:${component.id}`, form: { values: valuesOf(form), errors } },
    })
  return answer(c, { notice: 'Component saved.' })
})

componentsRoutes.post('/components/:id/status', writers, async (c) => {
  const component = await existingComponent(c, c.req.param('id'))
  const form = await readForm(c)
  const errors = await attempt(UpdateComponentInput, { status: str(form.status) }, (data) =>
    updateComponent(c.var.deps, actorOf(c), component.id, data),
  )
  if (errors)
    return answer(c, { failed: { key: `component:${component.id}`, form: { values: {}, errors } } })
  return answer(c, { notice: `Status of “${component.name}” set.` })
})

componentsRoutes.post('/components/:id/visibility', writers, async (c) => {
  const component = await existingComponent(c, c.req.param('id'))
  const form = await readForm(c)
  const visible = str(form.visible)
  if (visible !== 'true' && visible !== 'false') throw invalid('visible', 'must be true or false')
  await updateComponent(c.var.deps, actorOf(c), component.id, { visible: visible === 'true' })
  return answer(c, {
    notice: `“${component.name}” is now ${visible === 'true' ? 'shown on' : 'hidden from'} the public page.`,
  })
})

componentsRoutes.post('/components/:id/move', writers, async (c) => {
  const component = await existingComponent(c, c.req.param('id'))
  await moveComponent(c.var.deps, actorOf(c), component.id, direction(await readForm(c)))
  return answer(c)
})

componentsRoutes.post('/components/:id/delete', writers, async (c) => {
  const component = await existingComponent(c, c.req.param('id'))
  await deleteComponent(c.var.deps, actorOf(c), component.id)
  return answer(c, { notice: `Component “${component.name}” deleted.` })
})

// --- groups ---

componentsRoutes.post('/component-groups', writers, async (c) => {
  const form = await readForm(c)
  const input = {
    name: str(form.name),
    description: str(form.description),
    collapsed: str(form.collapsed) === 'on',
  }
  const errors = await attempt(CreateComponentGroupInput, input, (data) =>
    createComponentGroup(c.var.deps, actorOf(c), data),
  )
  if (errors)
    return answer(c, {
      failed: { key: 'group:new', form: { values: valuesOf(form, ['collapsed']), errors } },
    })
  return answer(c, { notice: `Group “${input.name.trim()}” created.` })
})

componentsRoutes.post('/component-groups/:id', writers, async (c) => {
  const group = await existingGroup(c, c.req.param('id'))
  const form = await readForm(c)
  const input = {
    name: str(form.name),
    description: str(form.description),
    collapsed: str(form.collapsed) === 'on',
  }
  const errors = await attempt(UpdateComponentGroupInput, input, (data) =>
    updateComponentGroup(c.var.deps, actorOf(c), group.id, data),
  )
  if (errors)
    return answer(c, {
      failed: { key: `group:${group.id}`, form: { values: valuesOf(form, ['collapsed']), errors } },
    })
  return answer(c, { notice: 'Group saved.' })
})

componentsRoutes.post('/component-groups/:id/move', writers, async (c) => {
  const group = await existingGroup(c, c.req.param('id'))
  await moveComponentGroup(c.var.deps, actorOf(c), group.id, direction(await readForm(c)))
  return answer(c)
})

componentsRoutes.post('/component-groups/:id/delete', writers, async (c) => {
  const group = await existingGroup(c, c.req.param('id'))
  await deleteComponentGroup(c.var.deps, actorOf(c), group.id)
  return answer(c, {
    notice: `Group “${group.name}” deleted; its components are now without a group.`,
  })
})
