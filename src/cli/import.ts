import { dryRunSummary, parsePostmortem, toDryRunJson } from '../domain/postmortem/index.ts'
import { isValidTimeZone } from '../domain/time.ts'

// `herald import`: the command's logic without Node, so src/cli.ts only parses argv, reads the
// files and writes the output. Saving is not wired yet (the postmortem tables come later), so
// only --dry-run does anything; the parsed options already carry what saving will need.

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
  'Usage: herald import --dry-run [--json] [--time-zone ZONE] [--date YYYY-MM-DD] FILE…'

/** Runs the command; `read` returns a file's text or throws. */
export function runImport(options: ImportOptions, read: (path: string) => string): CommandOutput {
  if (options.files.length === 0) {
    return { code: 2, stdout: '', stderr: `import needs at least one FILE\n\n${IMPORT_USAGE}\n` }
  }
  if (!options.dryRun) {
    return {
      code: 2,
      stdout: '',
      stderr: 'saving imports is not available yet; use --dry-run\n',
    }
  }
  if (options.timeZone !== undefined && !isValidTimeZone(options.timeZone)) {
    return { code: 2, stdout: '', stderr: `time-zone: unknown time zone ${options.timeZone}\n` }
  }
  if (options.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.date)) {
    return { code: 2, stdout: '', stderr: 'date: must be YYYY-MM-DD\n' }
  }
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
