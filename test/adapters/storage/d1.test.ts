import { createD1Store } from '../../../src/adapters/storage/d1.worker.ts'
import { openTestD1 } from '../../support/d1.ts'
import { runStorageContract } from './contract.ts'

// The same contract as better-sqlite3, on D1 in workerd (miniflare), one fresh database per test.
runStorageContract('D1 (miniflare)', {
  async open() {
    const { d1, close } = await openTestD1()
    return { store: createD1Store(d1), close }
  },
})
