import type { StatusPageView } from '../../../src/app/get-status-page.ts'
import { DOM } from '../../ids.ts'

/** The overall status: Statuspage's indicator (colour) and description (text). */
export function StatusBanner(props: { rollup: StatusPageView['rollup'] }) {
  const { indicator, description } = props.rollup
  return (
    <section id={DOM.statusBanner} class={`banner indicator-${indicator}`}>
      <h2 class="banner-text">{description}</h2>
    </section>
  )
}
