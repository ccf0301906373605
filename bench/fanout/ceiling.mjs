// Launches ceiling.ts through tsx (as bin/herald.mjs does for Herald), so the ceilings run Herald's
// own transport adapters.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) })
await import('./ceiling.ts')
