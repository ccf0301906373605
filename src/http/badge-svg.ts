import type { BadgeTone } from '../app/get-badge.ts'

// Shields.io "flat" badges: a grey label on the left, a coloured message on the right, 20 px high,
// text in 11 px Verdana (falling back to DejaVu Sans). SVG cannot measure text, so, as shields
// does, widths come from a table of character advances; `textLength` then pins each text to the
// width it was given, so it fits whichever of the fonts the viewer has.

export const BADGE_COLOURS: Record<BadgeTone, string> = {
  operational: '#4c1',
  degraded_performance: '#dfb317',
  partial_outage: '#fe7d37',
  major_outage: '#e05d44',
  under_maintenance: '#007ec6',
}
export const LABEL_COLOUR = '#555'

// Advance widths in tenths of a pixel at 11 px, for U+0020–U+007E and U+00A0–U+00FF. Measured
// from DejaVu Sans (Verdana is not freely available; its advances are within a few per cent of
// these, mostly narrower, so text measured here fits in either).
const ASCII = [
  35, 44, 51, 92, 70, 105, 86, 30, 43, 43, 55, 92, 35, 40, 35, 37, 70, 70, 70, 70, 70, 70, 70, 70,
  70, 70, 37, 37, 92, 92, 92, 58, 110, 75, 75, 77, 85, 70, 63, 85, 83, 32, 32, 72, 61, 95, 82, 87,
  66, 87, 76, 70, 67, 81, 75, 109, 75, 67, 75, 43, 37, 43, 92, 55, 55, 67, 70, 60, 70, 68, 39, 70,
  70, 31, 31, 64, 31, 107, 70, 67, 70, 70, 45, 57, 43, 70, 65, 90, 65, 65, 58, 70, 37, 70, 92,
]
const LATIN1 = [
  35, 44, 70, 70, 70, 70, 37, 55, 55, 110, 52, 67, 92, 40, 110, 55, 55, 92, 44, 44, 55, 70, 70, 35,
  55, 44, 52, 67, 107, 107, 107, 58, 75, 75, 75, 75, 75, 75, 107, 77, 70, 70, 70, 70, 32, 32, 32,
  32, 85, 82, 87, 87, 87, 87, 87, 92, 87, 81, 81, 81, 81, 67, 67, 69, 67, 67, 67, 67, 67, 67, 108,
  60, 68, 68, 68, 68, 31, 31, 31, 31, 67, 70, 67, 67, 67, 67, 67, 92, 67, 70, 70, 70, 70, 65, 70,
  65,
]

/** One character's advance in tenths of a pixel; unknown ones are counted generously. */
export function charWidth(codePoint: number): number {
  if (codePoint >= 0x20 && codePoint <= 0x7e) return ASCII[codePoint - 0x20] ?? 110
  if (codePoint >= 0xa0 && codePoint <= 0xff) return LATIN1[codePoint - 0xa0] ?? 110
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return 0
  if (codePoint >= 0x300 && codePoint <= 0x36f) return 0 // combining marks
  // Wide scripts (CJK, Hangul) and emoji take a full em; other scripts get a wide letter's width.
  return codePoint >= 0x2e80 ? 110 : 90
}

/** Text width in whole pixels, rounded up to an odd number as shields does (centres on a pixel). */
export function textWidth(text: string): number {
  let tenths = 0
  for (const ch of text) tenths += charWidth(ch.codePointAt(0) ?? 0)
  const px = Math.ceil(tenths / 10)
  return px % 2 === 0 ? px + 1 : px
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}

/** Escapes text for XML content and attributes, dropping characters XML cannot carry. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch)
  )
}

const HORIZONTAL_PADDING = 5
const HEIGHT = 20

export interface BadgeSpec {
  label: string
  message: string
  colour: string
}

export interface RenderedBadge {
  svg: string
  width: number
  labelWidth: number
  messageWidth: number
}

function text(content: string, centre: number, width: number): string {
  // Drawn at 10× and scaled down, as shields does, for sub-pixel placement; shadow first.
  const x = Math.round(centre * 10)
  const len = width * 10
  return (
    `<text aria-hidden="true" x="${x}" y="150" fill="#010101" fill-opacity=".3" ` +
    `transform="scale(.1)" textLength="${len}">${content}</text>` +
    `<text x="${x}" y="140" transform="scale(.1)" fill="#fff" textLength="${len}">${content}</text>`
  )
}

export function renderBadge(spec: BadgeSpec): RenderedBadge {
  const labelText = textWidth(spec.label)
  const messageText = textWidth(spec.message)
  const labelWidth = labelText + 2 * HORIZONTAL_PADDING
  const messageWidth = messageText + 2 * HORIZONTAL_PADDING
  const width = labelWidth + messageWidth
  const title = escapeXml(`${spec.label}: ${spec.message}`)
  const label = escapeXml(spec.label)
  const message = escapeXml(spec.message)
  const colour = escapeXml(spec.colour)
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" role="img" ` +
    `aria-label="${title}"><title>${title}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>` +
    `<stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${width}" height="${HEIGHT}" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${labelWidth}" height="${HEIGHT}" fill="${LABEL_COLOUR}"/>` +
    `<rect x="${labelWidth}" width="${messageWidth}" height="${HEIGHT}" fill="${colour}"/>` +
    `<rect width="${width}" height="${HEIGHT}" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" ` +
    `text-rendering="geometricPrecision" font-size="110">` +
    text(label, labelWidth / 2, labelText) +
    text(message, labelWidth + messageWidth / 2, messageText) +
    `</g></svg>`
  return { svg, width, labelWidth, messageWidth }
}
