// N live viewers in one process: each holds GET /live open (as public/js/live.js does) and notes,
// on the shared monotonic clock, when its "changed" event arrives. Talks to run.mjs over IPC.
import http from 'node:http'

const [url, countText] = process.argv.slice(2)
const count = Number(countText)
const target = new URL('/live', url)
let ready = 0
let refused = 0
let failed = 0
const arrivals = []
let armed = false

function open(i) {
  const req = http.get(
    { host: target.hostname, port: target.port, path: target.pathname, agent: false },
    (res) => {
      if (res.statusCode !== 200) {
        refused++
        res.resume()
        return report()
      }
      res.setEncoding('utf8')
      let buffer = ''
      let greeted = false
      res.on('data', (chunk) => {
        buffer += chunk
        if (!greeted && buffer.includes('event: hello\n')) {
          greeted = true
          ready++
          buffer = ''
          report()
        } else if (armed && buffer.includes('event: changed\n')) {
          arrivals.push(process.hrtime.bigint())
          buffer = ''
          if (arrivals.length === ready)
            process.send({ type: 'arrivals', arrivals: arrivals.map(String) })
        }
      })
    },
  )
  req.on('error', () => {
    failed++
    report()
  })
  void i
}

let reportTimer = null
function report() {
  if (reportTimer) return
  reportTimer = setTimeout(() => {
    reportTimer = null
    process.send({ type: 'progress', ready, refused, failed })
  }, 50)
}

process.on('message', (msg) => {
  if (msg.type === 'arm') {
    arrivals.length = 0
    armed = true
    process.send({ type: 'armed' })
  }
})
process.on('disconnect', () => process.exit(0))

// Open in waves so the listen backlog is not overrun.
let opened = 0
const wave = () => {
  for (let k = 0; k < 500 && opened < count; k++) open(opened++)
  if (opened < count) setTimeout(wave, 20)
}
wave()
