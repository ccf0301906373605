import type { Deps } from '../app/deps.ts'
import { exportPostmortemMarkdown } from '../app/postmortems.ts'
import { AppError } from '../domain/errors.ts'
import type { CommandOutput } from './import.ts'

// `herald export INCIDENT_ID`: the incident's postmortem as Markdown (the saved one, or the draft its
// record gives). src/cli.ts writes it to stdout or to --out FILE.

export const EXPORT_USAGE = 'Usage: herald export INCIDENT_ID [--out FILE]'

export async function runExport(
  deps: Pick<Deps, 'store'>,
  incidentId: string | undefined,
): Promise<CommandOutput & { fileName?: string }> {
  if (!incidentId)
    return { code: 2, stdout: '', stderr: `export needs an INCIDENT_ID\n\n${EXPORT_USAGE}\n` }
  try {
    const { markdown, fileName } = await exportPostmortemMarkdown(deps, incidentId)
    return { code: 0, stdout: markdown, stderr: '', fileName }
  } catch (err) {
    if (err instanceof AppError) return { code: 1, stdout: '', stderr: `${err.message}\n` }
    throw err
  }
}
