// Cutaway embed auto-resize (optional). Add once to a page that embeds Cutaway lessons:
//   <script src="https://<where Cutaway is hosted>/embed-host.js" defer></script>
// It listens for the embeds' `resize` events (API version 1) and sets each iframe's height to its
// content. It only trusts a message that comes from one of the page's own iframes, from that
// iframe's origin, with the Cutaway tag: other pages cannot resize anything.
;(function () {
  'use strict'
  var TAG = 'cutaway-embed'
  var MAX = 10000
  window.addEventListener('message', function (e) {
    var d = e.data
    if (!d || d.cutaway !== TAG || d.version !== 1 || d.type !== 'resize') return
    if (typeof d.height !== 'number' || !(d.height > 0) || d.height > MAX) return
    var frames = document.getElementsByTagName('iframe')
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i]
      if (f.contentWindow !== e.source) continue
      var origin
      try {
        origin = new URL(f.src, document.baseURI).origin
      } catch (_) {
        return
      }
      if (origin !== e.origin) return
      f.style.height = Math.ceil(d.height) + 'px'
      return
    }
  })
})()
