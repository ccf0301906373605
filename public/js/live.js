/* global document, window, location, DOMParser, CustomEvent, EventSource */
// Live public pages: when the status changes, fetch the page again and swap its main content, so
// the banner, components and timelines update without a reload. Server-Sent Events on Node
// (GET /live); where /live answers 204 (Workers, or a full server) the page polls with
// If-None-Match instead, which costs a 304 when nothing changed. Without JavaScript the page is
// simply static.
;(function () {
  'use strict'
  var main = document.querySelector('main')
  if (!main || !window.fetch) return
  var POLL_MS = 15000
  var etag = null
  var busy = false
  var again = false

  function refresh() {
    if (busy) {
      again = true
      return
    }
    busy = true
    var headers = { Accept: 'text/html' }
    if (etag) headers['If-None-Match'] = etag
    fetch(location.pathname + location.search, {
      headers: headers,
      cache: 'no-store',
      credentials: 'same-origin',
    })
      .then(function (res) {
        if (res.status === 304 || !res.ok) return null
        etag = res.headers.get('ETag')
        return res.text()
      })
      .then(function (html) {
        if (!html) return
        var doc = new DOMParser().parseFromString(html, 'text/html')
        var next = doc.querySelector('main')
        if (!next) return
        // Keep keyboard focus and scroll position; only the content changes.
        main.innerHTML = next.innerHTML
        if (doc.title) document.title = doc.title
        document.dispatchEvent(new CustomEvent('herald:updated'))
      })
      .catch(function () {})
      .then(function () {
        busy = false
        if (again) {
          again = false
          refresh()
        }
      })
  }

  function poll() {
    setInterval(function () {
      if (!document.hidden) refresh()
    }, POLL_MS)
  }

  if (!window.EventSource) return poll()
  var opened = false
  var source = new EventSource('/live')
  source.addEventListener('hello', function () {
    // First connection: the page is current. A reconnection: catch up on what was missed.
    if (opened) refresh()
    opened = true
  })
  source.addEventListener('changed', refresh)
  source.onerror = function () {
    // 204 (no live updates here) closes the stream for good: poll instead.
    if (source.readyState === EventSource.CLOSED) {
      source.close()
      poll()
    }
  }
})()
