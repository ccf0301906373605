/* global document */
// Progressive enhancements for the console; everything works without this file.
// Ctrl+Enter (Cmd+Enter on a Mac) in a message box posts its form, through htmx when the form
// uses it (requestSubmit fires the submit event htmx listens for).
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return
  const target = event.target
  if (!target || !target.classList || !target.classList.contains('submit-on-ctrl-enter')) return
  const form = target.form
  if (!form) return
  event.preventDefault()
  if (typeof form.requestSubmit === 'function') form.requestSubmit()
  else form.submit()
})
