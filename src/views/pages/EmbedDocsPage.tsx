import { Link } from 'react-router'
import { EMBED_API_VERSION, EMBED_TAG } from '../../state/embedApi.ts'
import { PLAYBACK_SPEEDS } from '../../state/speeds.ts'
import { useTitle } from '../hooks/useTitle.ts'
import { embedSnippet, siteUrl } from '../share/snippet.ts'
import '../present/present.css'

// /docs/embed — how to put a scenario in a documentation page: parameters, the postMessage API,
// the auto-resize script, examples. Everything here is text: code samples are strings in <pre>.

const HOST_EXAMPLE = `const frame = document.querySelector('iframe#cutaway')
const CUTAWAY = new URL(frame.src).origin

// commands: play, pause, goToStep (1-based), setSpeed
function send(command) {
  frame.contentWindow.postMessage({ cutaway: '${EMBED_TAG}', version: ${EMBED_API_VERSION}, ...command }, CUTAWAY)
}

window.addEventListener('message', (e) => {
  if (e.origin !== CUTAWAY || e.data?.cutaway !== '${EMBED_TAG}') return
  switch (e.data.type) {
    case 'ready': send({ type: 'goToStep', step: 3 }); break
    case 'stepChanged': console.log('now at step', e.data.step, e.data.title); break
    case 'scenarioCompleted': console.log('finished', e.data.scenario); break
    case 'resize': frame.style.height = e.data.height + 'px'; break
  }
})`

export default function EmbedDocsPage() {
  useTitle('Embedding a lesson')
  const src = siteUrl('embed/tour?step=2&theme=light')
  const hostScript = siteUrl('embed-host.js')
  return (
    <main id="main" className="page narrow docs">
      <h1>Embedding a lesson</h1>
      <p className="lead">
        Any Cutaway lesson can sit in your documentation as an iframe. Readers see a light poster
        until they click; nothing loads, runs or is stored before that. The fastest way to get the
        code is the <strong>Share / Embed</strong> button on a lesson.
      </p>

      <h2>The snippet</h2>
      <pre className="docs-code" tabIndex={0}>
        {embedSnippet(src, 'Tour of the cluster')}
      </pre>

      <h2>URL parameters</h2>
      <p>
        Anything unknown or malformed falls back to the default and logs a warning in the browser
        console (<code>[cutaway embed] …</code>); the frame still works.
      </p>
      <table className="docs-table">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Values</th>
            <th scope="col">Default</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>
              <code>step</code>
            </td>
            <td>1 … number of steps</td>
            <td>1</td>
            <td>Opens at that step; earlier steps are played for you.</td>
          </tr>
          <tr>
            <td>
              <code>theme</code>
            </td>
            <td>
              <code>light</code>, <code>dark</code>, <code>projector</code>
            </td>
            <td>
              <code>dark</code>
            </td>
            <td>
              Colours; <code>projector</code> is large, high-contrast and colour-blind safe.
            </td>
          </tr>
          <tr>
            <td>
              <code>speed</code>
            </td>
            <td>{PLAYBACK_SPEEDS.join(', ')}</td>
            <td>1</td>
            <td>Speed of the simulated clock.</td>
          </tr>
          <tr>
            <td>
              <code>controls</code>
            </td>
            <td>0, 1</td>
            <td>1</td>
            <td>0 hides the Back / Next / Play bar (drive the lesson from your page).</td>
          </tr>
          <tr>
            <td>
              <code>autoplay</code>
            </td>
            <td>0, 1</td>
            <td>0</td>
            <td>1 skips the poster and starts the clock.</td>
          </tr>
          <tr>
            <td>
              <code>origin</code>
            </td>
            <td>
              an origin, e.g. <code>https://docs.example.com</code>
            </td>
            <td>any page</td>
            <td>
              Only that origin may send commands, and events go only to it. A malformed value blocks
              every page (it never widens access).
            </td>
          </tr>
          <tr>
            <td>
              <code>storage</code>
            </td>
            <td>0, 1</td>
            <td>0</td>
            <td>
              1 lets the embed use storage: it registers the offline service worker and its cache.
              With 0 the embed writes nothing to cookies, localStorage or caches.
            </td>
          </tr>
        </tbody>
      </table>

      <h2>The postMessage API (version {EMBED_API_VERSION})</h2>
      <p>
        Every message is an object{' '}
        <code>{`{ cutaway: '${EMBED_TAG}', version: ${EMBED_API_VERSION}, type, … }`}</code>. The
        embed checks each one field by field and ignores anything else: other tags or versions,
        unknown types, missing or extra fields, commands from a window other than its parent, and
        commands from an origin other than <code>origin</code>.
      </p>
      <h3>Commands (your page → the embed)</h3>
      <ul>
        <li>
          <code>{`{ type: 'play' }`}</code>, <code>{`{ type: 'pause' }`}</code>: the simulated
          clock.
        </li>
        <li>
          <code>{`{ type: 'goToStep', step: 3 }`}</code>: 1-based; later steps play the ones
          skipped.
        </li>
        <li>
          <code>{`{ type: 'setSpeed', speed: 2 }`}</code>: one of {PLAYBACK_SPEEDS.join(', ')}.
        </li>
      </ul>
      <p>A command sent while the poster shows loads the lesson first, then runs.</p>
      <h3>Events (the embed → your page)</h3>
      <ul>
        <li>
          <code>ready</code> <code>{`{ scenario, steps, step }`}</code>: the embed listens now.
        </li>
        <li>
          <code>stepChanged</code> <code>{`{ scenario, step, stepId, title }`}</code>
        </li>
        <li>
          <code>scenarioCompleted</code> <code>{`{ scenario }`}</code>: the recap is showing.
        </li>
        <li>
          <code>resize</code> <code>{`{ height }`}</code>: the content height in CSS pixels.
        </li>
      </ul>
      <h3>Example</h3>
      <pre className="docs-code" tabIndex={0}>
        {HOST_EXAMPLE}
      </pre>

      <h2>Auto-resize without writing code</h2>
      <p>
        Add this script once to your page; it sizes every Cutaway iframe to its content from the{' '}
        <code>resize</code> events (and checks where they come from):
      </p>
      <pre className="docs-code" tabIndex={0}>{`<script src="${hostScript}" defer></script>`}</pre>

      <h2>Presenting and printing</h2>
      <p>
        Instructors: <Link to="/present/tour">presenter mode</Link> (press <kbd>?</kbd> for the
        keys, <kbd>S</kbd> for the speaker notes) and a printable{' '}
        <Link to="/print/tour">storyboard</Link>.
      </p>
    </main>
  )
}
