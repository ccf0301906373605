import { expect } from 'vitest'
import type { TestApp } from '../support/app.ts'

// Helpers for the public subscription tests: plain requests with no cookies (as a mail provider's
// one-click POST, or a first visit), and the links out of the captured confirmation mail.

export const ORIGIN = 'http://localhost'

export type FormFields = Record<string, string | string[]>

export function formBody(fields: FormFields): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(fields))
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, item)
  return params.toString()
}

export async function get(t: TestApp, path: string) {
  const res = await t.app.request(`${ORIGIN}${path}`, { redirect: 'manual' })
  return { res, html: await res.text() }
}

export async function post(
  t: TestApp,
  path: string,
  fields: FormFields = {},
  headers: Record<string, string> = {},
) {
  const res = await t.app.request(`${ORIGIN}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: formBody(fields),
  })
  const html = await res.text()
  // A confirmation mail goes out after the answer (its SMTP time must not show in the answer's).
  // The capture mailer's work is all microtasks, so one macrotask later it is in the mailbox.
  await new Promise((r) => setTimeout(r, 0))
  return { res, html }
}

export const mailsTo = async (t: TestApp, to: string) =>
  (await t.deps.store.listCapturedMail(50)).filter((m) => m.to === to)

/** The newest captured mail to `to` (the store lists newest first). */
export async function lastMailTo(t: TestApp, to: string) {
  const [mail] = await mailsTo(t, to)
  if (!mail) throw new Error(`no mail to ${to}`)
  return mail
}

/** The confirm and manage paths as the mail's text gives them. */
export function linksIn(text: string) {
  const confirm = /https?:\/\/[^\s/]+(\/subscriptions\/confirm\/[A-Za-z0-9_-]+)/.exec(text)?.[1]
  const manage =
    /https?:\/\/[^\s/]+(\/subscriptions\/(?!confirm\/)[A-Za-z0-9_-]{16,})(?![\w/-])/.exec(text)?.[1]
  if (!confirm || !manage) throw new Error(`no confirm or manage link in:\n${text}`)
  return { confirm, manage }
}

/** Subscribes an address through the form and confirms it from the mail; returns its manage path. */
export async function confirmedEmail(t: TestApp, address: string, extra: FormFields = {}) {
  const sent = await post(t, '/subscribe', { channel: 'email', target: address, ...extra })
  expect(sent.res.status).toBe(200)
  const links = linksIn((await lastMailTo(t, address)).text)
  const confirmed = await post(t, links.confirm)
  expect(confirmed.res.status).toBe(200)
  return links.manage
}

export const subscriberFor = (t: TestApp, address: string) =>
  t.deps.store.getSubscriberByTarget('email', address)
