import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

// Text clean-up shared by the reader: line endings, HTML fragments turned into their Markdown
// equivalent (so headings and lists still read as such), and inline Markdown reduced to plain text.

export function normalizeSource(markdown: string): string {
  return markdown
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .normalize('NFC')
}

/** sha-256 of the document with line endings, trailing spaces and blank-line runs normalised. */
export function fingerprintOf(markdown: string): string {
  const normalized = normalizeSource(markdown)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return bytesToHex(sha256(utf8ToBytes(normalized)))
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
  rsquo: '\u2019',
  lsquo: '\u2018',
  rdquo: '\u201d',
  ldquo: '\u201c',
  middot: '\u00b7',
  bull: '\u2022',
  rarr: '\u2192',
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X'
          ? parseInt(name.slice(2), 16)
          : parseInt(name.slice(1), 10)
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole
  })
}

const TAG = /<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?\/?>/g

/** HTML fragments rewritten as Markdown structure (headings, list items, table rows), then text. */
export function htmlToText(text: string): string {
  if (!/<\/?[a-zA-Z][^<>]*>|&[#a-z0-9]+;/i.test(text)) return text
  return decodeEntities(
    text
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<h([1-6])\b[^>]*>/gi, (_, n: string) => `\n${'#'.repeat(Number(n))} `)
      .replace(/<\/h[1-6]\s*>/gi, '\n')
      .replace(/<li\b[^>]*>/gi, '\n- ')
      .replace(/<tr\b[^>]*>/gi, '\n|')
      .replace(/<\/t[dh]\s*>/gi, ' |')
      .replace(/<\/tr\s*>/gi, '\n')
      .replace(/<\/?(?:strong|b)\b[^>]*>/gi, '**')
      .replace(/<input\b[^>]*\bchecked\b[^>]*>/gi, '[x] ')
      .replace(/<input\b[^>]*type=["']?checkbox[^>]*>/gi, '[ ] ')
      .replace(
        /<\/?(?:p|div|section|article|header|footer|ul|ol|table|thead|tbody|tfoot|blockquote|pre|details|summary|hr)\b[^>]*>/gi,
        '\n',
      )
      .replace(TAG, ''),
  ).replace(/\u00a0/g, ' ')
}

const EMOJI =
  /(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]|\u200D|\uFE0F|\u20E3)/gu

export function stripEmoji(text: string): string {
  return text
    .replace(EMOJI, '')
    .replace(/\s{2,}/g, ' ')
    .trim()
}

/** Inline Markdown as plain text: emphasis, code spans, links and images removed. */
export function stripInline(text: string): string {
  return text
    .replace(/!\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)/g, '')
    .replace(/\[([^\]\n]{1,500})\]\((?:[^()\n]|\([^)\n]{0,200}\)){0,2000}\)/g, '$1')
    .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(?<![\w*\\])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, '$1')
    .replace(/(?<![\w\\])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/\*\*|__/g, '')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim()
}

/** Plain text for labels and headings: inline Markdown and emoji gone, trailing colon dropped. */
export function plainLabel(text: string): string {
  return stripEmoji(stripInline(text))
    .replace(/^\d+[.)]\s+/, '')
    .replace(/\s*:\s*$/, '')
    .trim()
}

export function truncate(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}\u2026`
}
