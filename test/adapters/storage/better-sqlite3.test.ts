import { openNodeDatabase } from '../../../src/adapters/storage/sqlite.node.ts'
import { runStorageContract } from './contract.ts'

runStorageContract('better-sqlite3 (in memory)', {
  async open() {
    const db = openNodeDatabase(':memory:')
    return { store: db.store, close: () => db.close() }
  },
})
