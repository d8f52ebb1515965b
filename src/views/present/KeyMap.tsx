import type { RefObject } from 'react'
import { KEY_BINDINGS } from './keys.ts'

/** The "?" key map: a modal dialog (Escape or the button closes it; focus returns to the page). */
export function KeyMap({ dialogRef }: { dialogRef: RefObject<HTMLDialogElement | null> }) {
  return (
    <dialog ref={dialogRef} className="keymap" aria-labelledby="keymap-title" data-testid="keymap">
      <h2 id="keymap-title">Presenter keys</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {KEY_BINDINGS.map((b) => (
            <tr key={b.action}>
              <td>
                <kbd>{b.label}</kbd>
              </td>
              <td>{b.does}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>1</kbd>…<kbd>9</kbd>
            </td>
            <td>Jump to that step (two digits quickly: 1, 2 → step 12)</td>
          </tr>
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  )
}
