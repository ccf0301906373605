import type { PublicComponentView, PublicSection } from '../../../src/app/get-status-page.ts'
import { DOM } from '../../ids.ts'

// Quiet days (100 %, no incidents) and days without data read the same on every component: their
// bars are labelled by reference (aria-labelledby) to one hidden copy of the date and the summary,
// which keeps the accessible name identical while cutting the page's weight by about a third.
const DAY_ID = 'ud'
const SUMMARY_ID = { ok: 'ud-ok', nodata: 'ud-nodata' } as const

/** The shared label texts the quiet bars point at; rendered once per page. */
export function UptimeLabels(props: { dayLabels: string[] }) {
  return (
    <div hidden>
      {props.dayLabels.map((text, i) => (
        <span id={`${DAY_ID}${i}`}>{text}:</span>
      ))}
      <span id={SUMMARY_ID.ok}>100% uptime, no incidents</span>
      <span id={SUMMARY_ID.nodata}>no data</span>
    </div>
  )
}

// Narrow screens show the last 30 or 60 bars (page.css hides the older ones), so the legend has a
// start label per breakpoint; the uptime figure always covers the whole window.
function UptimeBars(props: { component: PublicComponentView; days: number }) {
  const { component, days } = props
  return (
    <>
      <div
        class="bars"
        role="group"
        aria-label={`${component.name}: uptime per day, last ${days} days`}
      >
        {component.bars.map((bar) =>
          bar.summary ? (
            <span
              role="img"
              class={bar.status ? `bar status-${bar.status}` : 'bar nodata'}
              aria-labelledby={`${DAY_ID}${bar.day} ${SUMMARY_ID[bar.summary]}`}
            ></span>
          ) : (
            <span
              role="img"
              class={bar.status ? `bar status-${bar.status}` : 'bar nodata'}
              aria-label={bar.label}
            ></span>
          ),
        )}
      </div>
      <p class="bars-legend">
        <span class="legend-edge" aria-hidden="true">
          <span class="ago-30">30 days ago</span>
          <span class="ago-60">60 days ago</span>
          <span class="ago-90">{days} days ago</span>
        </span>
        <span class="legend-uptime">
          {component.uptime === null
            ? 'No uptime data yet'
            : `${component.uptime} uptime over ${days} days`}
        </span>
        <span class="legend-edge" aria-hidden="true">
          Today
        </span>
      </p>
    </>
  )
}

function ComponentRow(props: { component: PublicComponentView; days: number }) {
  const { component } = props
  return (
    <div class="component">
      <div class="component-head">
        <span class="component-name">{component.name}</span>
        <span class={`component-status status-${component.status}`}>{component.statusLabel}</span>
      </div>
      {component.description ? <p class="component-desc">{component.description}</p> : null}
      <UptimeBars component={component} days={props.days} />
    </div>
  )
}

/** Groups (as <details>, closed when the group is collapsed) and ungrouped components, in order. */
export function ComponentList(props: {
  sections: PublicSection[]
  days: number
  dayLabels: string[]
}) {
  return (
    <section id={DOM.componentList} class="components" aria-label="Components">
      <UptimeLabels dayLabels={props.dayLabels} />
      {props.sections.length === 0 ? <p class="empty">No components to show yet.</p> : null}
      {props.sections.map((section) =>
        section.kind === 'component' ? (
          <ComponentRow component={section.component} days={props.days} />
        ) : (
          <details class="group" open={!section.collapsed}>
            <summary class="group-summary">
              <span class="group-name">{section.name}</span>
              <span class="group-count">
                {section.components.length}{' '}
                {section.components.length === 1 ? 'component' : 'components'}
              </span>
              <span class={`component-status status-${section.status}`}>{section.statusLabel}</span>
            </summary>
            {section.description ? <p class="group-desc">{section.description}</p> : null}
            <div class="group-body">
              {section.components.map((component) => (
                <ComponentRow component={component} days={props.days} />
              ))}
            </div>
          </details>
        ),
      )}
    </section>
  )
}
