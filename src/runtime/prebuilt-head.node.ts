import {
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
  type ServerResponse,
} from 'node:http'

// The fast lane's answers reuse a few header records millions of times. `res.writeHead()` would
// validate every name and value with regular expressions and rebuild the header block on every
// response; that was about a tenth of the lane's CPU. Here the block is validated and built once per record, and each
// response only adds what Node adds per response: Date and the keep-alive lines.
//
// It sets `_header`, the field `writeHead()` itself leaves the finished block in; `end()` then
// sends block and body in one write, as it does after `writeHead()`. That field and the
// keep-alive state read below are Node's internals (as in Node 20's _http_outgoing.js), so
// every use checks that they look as expected and leaves anything unusual to `writeHead()`:
// `test/runtime/prebuilt-head.test.ts` compares the bytes on the wire with `writeHead()`'s.

/** The ServerResponse state `_storeHeader()` reads; none of it is public API. */
interface ResponseState {
  _header: string | null
  _headerSent: boolean
  _hasBody: boolean
  _removedConnection: boolean
  _expect_continue: boolean
  _keepAliveTimeout: number
  _maxRequestsPerSocket: number
  _defaultKeepAlive: boolean
  shouldKeepAlive: boolean
  maxRequestsOnConnectionReached: boolean
  chunkedEncoding: boolean
  sendDate: boolean
}

// Headers Node writes or interprets itself; a record naming one goes through writeHead().
const NODE_OWNED = new Set([
  'connection',
  'keep-alive',
  'date',
  'transfer-encoding',
  'expect',
  'trailer',
])

const heads = new WeakMap<Readonly<Record<string, string>>, string | null>()

/** A 200's status line and the record's headers, validated as writeHead() would; null: not ours. */
function headOf(headers: Readonly<Record<string, string>>): string | null {
  let head = heads.get(headers)
  if (head !== undefined) return head
  head = `HTTP/1.1 200 ${STATUS_CODES[200]}\r\n`
  let sized = false
  for (const name of Object.keys(headers)) {
    const value = headers[name]!
    const lower = name.toLowerCase()
    if (NODE_OWNED.has(lower)) {
      head = null
      break
    }
    if (lower === 'content-length') sized = true
    validateHeaderName(name)
    validateHeaderValue(name, value)
    head += `${name}: ${value}\r\n`
  }
  // Without Content-Length Node would pick chunked encoding or close the connection.
  if (head !== null && !sized) head = null
  heads.set(headers, head)
  return head
}

interface Block {
  date: string
  timeout: number
  max: number
  block: string
}
const blocks = new WeakMap<Readonly<Record<string, string>>, Block>()

/** A concatenated string as one flat string (V8 flattens on the first read of its characters). */
function flat(text: string): string {
  void text.charCodeAt(0)
  return text
}

// Node's own Date text is cached for a second the same way (utcDate() in node:_http_outgoing).
let dateText = ''
let dateUntil = 0
function httpDate(): string {
  const now = Date.now()
  if (now >= dateUntil) {
    dateText = new Date(now).toUTCString()
    dateUntil = now - (now % 1000) + 1000
  }
  return dateText
}

/**
 * Sends a complete 200 answer (Content-Length among `headers`) with a pre-built header block and
 * returns true, or returns false without touching `res` when the response is in any state
 * writeHead() would treat differently (a closing or HTTP/1.0 connection, Expect: 100-continue,
 * headers already set or sent): the caller then uses writeHead() and end().
 */
export function sendWithPrebuiltHead(
  res: ServerResponse,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array,
): boolean {
  const r = res as unknown as ResponseState
  if (
    r._header !== null ||
    r._headerSent !== false ||
    r.shouldKeepAlive !== true ||
    r.maxRequestsOnConnectionReached !== false ||
    r._removedConnection !== false ||
    r._expect_continue !== false ||
    r._defaultKeepAlive !== true ||
    r.chunkedEncoding !== false ||
    r._hasBody !== true ||
    r.sendDate !== true ||
    typeof r._keepAliveTimeout !== 'number' ||
    res.statusMessage
  )
    return false
  const head = headOf(headers)
  if (head === null || res.getHeaderNames().length > 0) return false
  // The whole block is kept, flat, until the Date text changes: a fresh concatenation would be
  // built and flattened again by every write.
  const date = httpDate()
  const timeout = r._keepAliveTimeout
  const max = ~~r._maxRequestsPerSocket
  let last = blocks.get(headers)
  if (!last || last.date !== date || last.timeout !== timeout || last.max !== max) {
    let tail = `Date: ${date}\r\nConnection: keep-alive\r\n`
    if (timeout) {
      const limit = max > 0 ? `, max=${max}` : ''
      tail += `Keep-Alive: timeout=${Math.floor(timeout / 1000)}${limit}\r\n`
    }
    last = { date, timeout, max, block: flat(`${head}${tail}\r\n`) }
    blocks.set(headers, last)
  }
  res.statusCode = 200
  res.statusMessage = STATUS_CODES[200]!
  r._header = last.block
  res.end(body)
  return true
}
