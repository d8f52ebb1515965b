// Absolute URLs and the iframe snippet for "Share / Embed" and the embed docs page.

/** An absolute URL to a path inside the site, honouring the deploy base (CUTAWAY_BASE). */
export function siteUrl(path: string, origin = window.location.origin): string {
  return `${origin}${import.meta.env.BASE_URL}${path.replace(/^\//, '')}`
}

function attr(v: string): string {
  return v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;')
}

/**
 * The one-line iframe. `sandbox`: scripts (it is an app), same-origin (its own origin, not the
 * host's: module scripts and the optional offline cache need it), popups for "Open in Cutaway";
 * no forms, no top navigation. `loading="lazy"` and the poster keep a long page fast.
 */
export function embedSnippet(src: string, title: string, height = 600): string {
  return (
    `<iframe src="${attr(src)}" title="${attr(`Cutaway: ${title} (interactive lesson)`)}" ` +
    `width="100%" height="${height}" loading="lazy" ` +
    `sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox" ` +
    `allow="fullscreen; clipboard-write" referrerpolicy="strict-origin-when-cross-origin" ` +
    `style="border:0;max-width:100%"></iframe>`
  )
}
