// The presenter's keys: what clickers send (PageUp/PageDown, and B or . for "blank") plus the
// usual slide-deck keys. One table: the key handler and the "?" key map both read it.

export type PresenterAction =
  'next' | 'back' | 'first' | 'last' | 'blank' | 'fullscreen' | 'notes' | 'play' | 'theme' | 'help'

export interface KeyBinding {
  keys: string[]
  /** how the key map writes them */
  label: string
  action: PresenterAction
  does: string
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  {
    keys: ['ArrowRight', ' ', 'PageDown'],
    label: '→, Space, Page Down',
    action: 'next',
    does: 'Next (reveals a question’s answer first)',
  },
  { keys: ['ArrowLeft', 'PageUp'], label: '←, Page Up', action: 'back', does: 'Previous step' },
  { keys: ['Home'], label: 'Home', action: 'first', does: 'First step' },
  { keys: ['End'], label: 'End', action: 'last', does: 'Recap (last)' },
  {
    keys: ['b', 'B', '.'],
    label: 'B or .',
    action: 'blank',
    does: 'Blank the screen (again: back)',
  },
  { keys: ['f', 'F'], label: 'F', action: 'fullscreen', does: 'Full screen on/off' },
  { keys: ['s', 'S'], label: 'S', action: 'notes', does: 'Open the speaker-notes window' },
  { keys: ['p', 'P'], label: 'P', action: 'play', does: 'Play / pause the simulated clock' },
  { keys: ['t', 'T'], label: 'T', action: 'theme', does: 'Theme: projector, dark, light' },
  {
    keys: ['?'],
    label: '?',
    action: 'help',
    does: 'This key map (Esc in the console: back to the keys)',
  },
]

/** The action for a key, or a digit (digits typed in quick succession make a step number: 1, 2 → 12). */
export function actionForKey(key: string): PresenterAction | { digit: string } | null {
  if (/^[0-9]$/.test(key)) return { digit: key }
  return KEY_BINDINGS.find((b) => b.keys.includes(key))?.action ?? null
}

/** Keys typed into a field belong to the field, not to the presenter. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  )
}
