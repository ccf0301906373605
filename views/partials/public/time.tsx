import type { Stamp } from '../../../src/app/get-public-incident.ts'

/** An instant in the page's zone, machine-readable with its offset. */
export const Time = (props: { stamp: Stamp }) => (
  <time datetime={props.stamp.iso}>{props.stamp.text}</time>
)
