import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'

export const apiV1Routes = new Hono<AppEnv>()
