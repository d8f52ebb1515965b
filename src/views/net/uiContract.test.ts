import { describe, expect, it } from 'vitest'
import { createUiStore } from '../../state/uiStore.ts'

// The stable way lessons open the network views (views/README.md): keep these semantics.
describe('opening the network views through the UI store', () => {
  it('shows the packet path, pinned or following the latest, and goes back to the map', () => {
    const ui = createUiStore()
    expect(ui.getState().mainView).toBe('map')
    ui.getState().showPackets()
    expect(ui.getState()).toMatchObject({ mainView: 'packets', packetFlow: null })
    ui.getState().showPackets('n1/5/2')
    expect(ui.getState()).toMatchObject({ mainView: 'packets', packetFlow: 'n1/5/2' })
    ui.getState().showMap()
    expect(ui.getState().mainView).toBe('map')
  })

  it("opens a node's Network tab; selecting something else drops the request", () => {
    const ui = createUiStore()
    ui.getState().openDetails({ kind: 'Node', name: 'ip-192-168-1-1' }, 'network')
    expect(ui.getState()).toMatchObject({
      selected: { kind: 'Node', name: 'ip-192-168-1-1' },
      detailsTab: 'network',
    })
    ui.getState().select({ kind: 'Pod', name: 'web', namespace: 'default' })
    expect(ui.getState().detailsTab).toBeNull()
  })
})
