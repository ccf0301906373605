// Stands in for Node's 'stream' in the Worker bundle (wrangler.toml [alias]): sax (feed → xml-js →
// sax) probes require('stream') inside a try/catch and its streaming API is never used here.
export function Stream() {}
export default { Stream }
