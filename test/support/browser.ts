import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

// Headless Debian Chromium driven by playwright-core (no bundled browser download). Every page
// records what a test must be able to assert did NOT happen: console errors, uncaught exceptions,
// Content Security Policy violations and dialogs (an alert() from an XSS payload).

export const CHROMIUM_PATH = '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]

export interface PageProblems {
  /** console.error messages and uncaught exceptions, CSP reports excluded. */
  consoleErrors: string[]
  /** Resources or scripts the Content Security Policy blocked. */
  cspViolations: string[]
  /** alert/confirm/prompt dialogs, recorded and dismissed: `${type}: ${message}`. */
  dialogs: string[]
  /** Responses with status >= 400: `${status} ${url}` (Chromium also logs these to the console). */
  httpErrors: string[]
}

export interface WatchedPage extends PageProblems {
  page: Page
  context: BrowserContext
  /** Everything recorded so far in one object, for `expect(p.problems()).toEqual(NO_PROBLEMS)`. */
  problems(): PageProblems
}

export const NO_PROBLEMS: PageProblems = {
  consoleErrors: [],
  cspViolations: [],
  dialogs: [],
  httpErrors: [],
}

const isCsp = (text: string) => /Content Security Policy/i.test(text)
// Chromium's own line for a failed load; httpErrors carries the same information with the URL.
const isFailedLoad = (text: string) => /^Failed to load resource:/.test(text)

export interface TestBrowser {
  browser: Browser
  /** A page in its own context (own cookies), watched from the first request on. */
  newPage(): Promise<WatchedPage>
  close(): Promise<void>
}

export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS })

  async function newPage(): Promise<WatchedPage> {
    const context = await browser.newContext()
    const page = await context.newPage()
    const watched: WatchedPage = {
      page,
      context,
      consoleErrors: [],
      cspViolations: [],
      dialogs: [],
      httpErrors: [],
      problems: () => ({
        consoleErrors: [...watched.consoleErrors],
        cspViolations: [...watched.cspViolations],
        dialogs: [...watched.dialogs],
        httpErrors: [...watched.httpErrors],
      }),
    }
    page.on('console', (msg) => {
      const text = msg.text()
      if (isCsp(text)) watched.cspViolations.push(text)
      else if (msg.type() === 'error' && !isFailedLoad(text)) watched.consoleErrors.push(text)
    })
    page.on('pageerror', (err) => {
      if (isCsp(err.message)) watched.cspViolations.push(err.message)
      else watched.consoleErrors.push(`uncaught: ${err.message}`)
    })
    page.on('dialog', (dialog) => {
      watched.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
      void dialog.dismiss().catch(() => {})
    })
    page.on('response', (res) => {
      if (res.status() >= 400) watched.httpErrors.push(`${res.status()} ${res.url()}`)
    })
    return watched
  }

  return { browser, newPage, close: () => browser.close() }
}
