// Preloaded into the benchmark's servers (node --import): run.mjs holds the write end of their
// stdin, so when run.mjs dies for any reason, even SIGKILL, stdin ends and the server exits too.
process.stdin.resume()
process.stdin.once('close', () => process.exit(0))
process.stdin.once('end', () => process.exit(0))
