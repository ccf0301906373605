import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'

// Placeholder until the public page lands (helper B).
export const publicRoutes = new Hono<AppEnv>()
