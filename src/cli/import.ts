import { CLI_ACTOR } from '../app/actor.ts'
import type { Deps } from '../app/deps.ts'
import { importPostmortem } from '../app/postmortems.ts'
import { ZodError } from 'zod'
import { AppError } from '../domain/errors.ts'
import { dryRunSummary, parsePostmortem, toDryRunJson } from '../domain/postmortem/index.ts'
import { isValidTimeZone } from '../domain/time.ts'

// `herald import`: the command's logic without Node, so src/cli.ts only parses argv, reads the
// files and writes the output. --dry-run reads and prints; without it each document is saved as
// a resolved incident with its published postmortem (saveImports).

export interface ImportOptions {
  files: string[]
  dryRun: boolean
  json: boolean
  /** Zone for documents that name none (the page's zone, once saving exists). */
  timeZone?: string
  /** 'YYYY-MM-DD' for documents that give times but no date. */
  date?: string
}

export interface CommandOutput {
  code: number
  stdout: string
  stderr: string
}

export const IMPORT_USAGE =
  'Usage: herald import [--dry-run [--json]] [--time-zone ZONE] [--date YYYY-MM-DD] FILE…'

/** Usage errors (exit 2) shared by the dry run and saving, or null. */
function badOptions(options: ImportOptions): CommandOutput | null {
  if (options.files.length === 0) {
    return { code: 2, stdout: '', stderr: `import needs at least one FILE\n\n${IMPORT_USAGE}\n` }
  }
  if (options.json && !options.dryRun) {
    return { code: 2, stdout: '', stderr: '--json goes with --dry-run\n' }
  }
  if (options.timeZone !== undefined && !isValidTimeZone(options.timeZone)) {
    return { code: 2, stdout: '', stderr: `time-zone: unknown time zone ${options.timeZone}\n` }
  }
  if (options.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.date)) {
    return { code: 2, stdout: '', stderr: 'date: must be YYYY-MM-DD\n' }
  }
  return null
}

/** Runs a dry run (`--dry-run`); `read` returns a file's text or throws. */
export function runImport(options: ImportOptions, read: (path: string) => string): CommandOutput {
  const bad = badOptions(options)
  if (bad) return bad
  const parsed = []
  for (const path of options.files) {
    let text: string
    try {
      text = read(path)
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      return { code: 1, stdout: '', stderr: `Cannot read ${path}: ${reason}\n` }
    }
    parsed.push({
      path,
      result: parsePostmortem(text, {
        fileName: path,
        ...(options.timeZone !== undefined ? { defaultTimeZone: options.timeZone } : {}),
        ...(options.date !== undefined ? { defaultDate: options.date } : {}),
      }),
    })
  }
  if (options.json) {
    const documents = parsed.map((p) => toDryRunJson(p.result))
    const body = documents.length === 1 ? documents[0] : documents
    return { code: 0, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: '' }
  }
  const summaries = parsed.map((p) => dryRunSummary(p.result, p.path))
  return {
    code: 0,
    stdout: `${summaries.join('\n\n')}\n\nDry run: nothing was saved.\n`,
    stderr: '',
  }
}

/**
 * Saves each file as a resolved incident with its published postmortem, one write per file, and
 * prints "imported: ID  FILE" (or "already imported: ID  FILE") with the warnings under it. A file
 * that cannot be read or imported is reported on stderr; the others are still imported (exit 1).
 */
export async function saveImports(
  deps: Pick<Deps, 'store' | 'clock' | 'ids'>,
  options: ImportOptions,
  read: (path: string) => string,
): Promise<CommandOutput> {
  const bad = badOptions(options)
  if (bad) return bad
  const out: string[] = []
  const errors: string[] = []
  for (const path of options.files) {
    let markdown: string
    try {
      markdown = read(path)
    } catch (err) {
      errors.push(`Cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`)
      continue
    }
    try {
      const result = await importPostmortem(deps, CLI_ACTOR, {
        markdown,
        fileName: path,
        ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
        ...(options.date !== undefined ? { date: options.date } : {}),
      })
      if (result.dryRun) continue
      out.push(`${result.created ? 'imported' : 'already imported'}: ${result.incidentId}  ${path}`)
      for (const w of result.warnings) out.push(`  warning: ${w}`)
    } catch (err) {
      if (err instanceof AppError) errors.push(`${path}: ${err.issues[0]?.message ?? err.message}`)
      else if (err instanceof ZodError)
        errors.push(`${path}: ${err.issues[0]?.message ?? err.message}`)
      else throw err
    }
  }
  return {
    code: errors.length ? 1 : 0,
    stdout: out.length ? `${out.join('\n')}\n` : '',
    stderr: errors.length ? `${errors.join('\n')}\n` : '',
  }
}
