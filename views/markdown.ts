import MarkdownIt from 'markdown-it'

// The one sanitizing renderer for user-written bodies (DESIGN.md security model). Raw HTML is
// disabled, so tags in a body are shown as text; markdown-it's link validation drops javascript:,
// vbscript:, file: and most data: URLs. Only a small subset is enabled: emphasis, code, lists,
// links, paragraphs, line breaks.
const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true }).enable([
  'paragraph',
  'newline',
  'emphasis',
  'backticks',
  'link',
  'linkify',
  'list',
  'escape',
  'entity',
  'text_join',
])

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!
  token.attrSet('rel', 'nofollow noopener noreferrer')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

export function renderMarkdown(source: string): string {
  return md.render(source)
}

/** Plain text (for feeds, titles and mail subjects) never goes through HTML. */
export function markdownToText(source: string): string {
  return source.replace(/[*_`]/g, '').replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)')
}
