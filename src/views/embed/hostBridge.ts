import {
  embedMessage,
  originAllowed,
  parseHostMessage,
  type EmbedEvent,
  type HostCommand,
} from '../../state/embedApi.ts'
import { NO_ORIGIN } from '../../state/embedParams.ts'

// The browser side of the embed API: listens for the host page's commands (from the parent window
// only, from the allowed origin only, valid v1 messages only) and posts events to it.

export interface HostBridge {
  post(event: EmbedEvent): void
  dispose(): void
}

export function createHostBridge(
  allowedOrigin: string | null,
  onCommand: (c: HostCommand) => void,
): HostBridge {
  const parent = window.parent !== window ? window.parent : null
  function onMessage(e: MessageEvent) {
    if (!parent || e.source !== parent) return
    if (allowedOrigin === NO_ORIGIN || !originAllowed(allowedOrigin, e.origin)) return
    const command = parseHostMessage(e.data)
    if (command) onCommand(command)
  }
  window.addEventListener('message', onMessage)
  return {
    post(event) {
      if (!parent || allowedOrigin === NO_ORIGIN) return
      // with an origin parameter, events go to that origin only (the browser drops them otherwise)
      parent.postMessage(embedMessage(event), allowedOrigin ?? '*')
    },
    dispose: () => window.removeEventListener('message', onMessage),
  }
}
