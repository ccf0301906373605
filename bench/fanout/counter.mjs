// Shared by sink.mjs and receiver.mjs: counts arrivals, tells the parent (IPC) when a count is
// reached, and answers "stats". Times are epoch milliseconds with sub-millisecond precision, read
// the same way in every process of the benchmark, so they compare across processes.

export const nowMs = () => performance.timeOrigin + performance.now()

export function createCounter() {
  let count = 0
  let bytes = 0
  let first = null
  let last = null
  let expect = null
  let sample = null
  const seen = new Set()
  let duplicates = 0
  let lastReport = 0

  const send = (msg) => {
    if (process.connected) process.send(msg)
  }

  return {
    /** One message or request has arrived; `key` identifies it for duplicate counting. */
    arrived(key, size, describe) {
      const at = nowMs()
      count++
      bytes += size
      first ??= at
      last = at
      if (key !== null) {
        if (seen.has(key)) duplicates++
        else seen.add(key)
      }
      if (sample === null && describe) sample = describe()
      if (expect !== null && count >= expect) {
        send({ type: 'reached', count, at })
        expect = null
      } else if (at - lastReport > 1000) {
        lastReport = at
        send({ type: 'progress', count, at })
      }
    },
    handle(msg) {
      if (msg?.type === 'reset') {
        count = 0
        bytes = 0
        first = null
        last = null
        expect = null
        sample = null
        duplicates = 0
        seen.clear()
        send({ type: 'reset-ok' })
      } else if (msg?.type === 'expect') {
        if (count >= msg.count) send({ type: 'reached', count, at: last ?? nowMs() })
        else expect = msg.count
      } else if (msg?.type === 'stats') {
        send({ type: 'stats', count, bytes, first, last, duplicates, unique: seen.size, sample })
      }
    },
  }
}
