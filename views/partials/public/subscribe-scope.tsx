// The component choice shared by the subscribe form and the manage page: "All components", or a
// checkbox tree by group. Ticking a group subscribes to the group itself (its future components
// included), so its box is a separate choice from its components' boxes.

export interface ScopeItem {
  id: string
  name: string
}

export type ScopeSection =
  | { kind: 'component'; component: ScopeItem }
  | { kind: 'group'; id: string; name: string; components: ScopeItem[] }

export interface ScopeChoice {
  all: boolean
  componentIds: readonly string[]
  groupIds: readonly string[]
}

export const SCOPE_ERROR_ID = 'scope-error'

function Tick(props: { name: 'componentIds' | 'groupIds'; item: ScopeItem; checked: boolean }) {
  return (
    <label class="choice">
      <input type="checkbox" name={props.name} value={props.item.id} checked={props.checked} />{' '}
      <span>{props.item.name}</span>
    </label>
  )
}

/** The fieldset; with no visible components only "All components" is offered. */
export function ScopeFieldset(props: {
  sections: ScopeSection[]
  choice: ScopeChoice
  error?: string | undefined
}) {
  const { sections, choice, error } = props
  if (sections.length === 0) return <input type="hidden" name="scope" value="all" />
  const components = new Set(choice.componentIds)
  const groups = new Set(choice.groupIds)
  return (
    <fieldset
      class={error ? 'subscribe-scope has-error' : 'subscribe-scope'}
      aria-describedby={error ? SCOPE_ERROR_ID : undefined}
    >
      <legend>Which components?</legend>
      <label class="choice">
        <input type="radio" name="scope" value="all" checked={choice.all} />{' '}
        <span>
          All components <span class="muted">(including ones added later)</span>
        </span>
      </label>
      <label class="choice">
        <input type="radio" name="scope" value="chosen" checked={!choice.all} />{' '}
        <span>Only the ones I tick below</span>
      </label>
      {error ? (
        <p class="field-error" id={SCOPE_ERROR_ID}>
          {error}
        </p>
      ) : null}
      <ul class="scope-tree">
        {sections.map((section) =>
          section.kind === 'component' ? (
            <li>
              <Tick
                name="componentIds"
                item={section.component}
                checked={components.has(section.component.id)}
              />
            </li>
          ) : (
            <li class="scope-group">
              <label class="choice">
                <input
                  type="checkbox"
                  name="groupIds"
                  value={section.id}
                  checked={groups.has(section.id)}
                />{' '}
                <span>
                  <strong>{section.name}</strong>{' '}
                  <span class="muted">(the whole group, including components added later)</span>
                </span>
              </label>
              <ul>
                {section.components.map((component) => (
                  <li>
                    <Tick
                      name="componentIds"
                      item={component}
                      checked={components.has(component.id)}
                    />
                  </li>
                ))}
              </ul>
            </li>
          ),
        )}
      </ul>
    </fieldset>
  )
}
