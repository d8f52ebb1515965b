import type { Locator, Page } from '@playwright/test'

/** The cluster map as a learner uses it: objects on the SVG, the text view, the details panel. */
export class ClusterMap {
  readonly root: Locator
  readonly svg: Locator
  readonly world: Locator
  readonly resetView: Locator
  readonly textView: Locator
  readonly tree: Locator
  readonly tooltip: Locator
  readonly details: Locator
  readonly summary: Locator
  readonly yaml: Locator

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('cluster.map')
    this.svg = page.getByTestId('map.svg')
    this.world = this.svg.locator('g.map-world')
    this.resetView = page.getByRole('button', { name: 'Reset view' })
    this.textView = page.getByRole('button', { name: 'Text view' })
    this.tree = page.getByRole('tree', { name: 'Cluster objects' })
    this.tooltip = page.getByTestId('map.tooltip')
    this.details = page.getByTestId('details')
    this.summary = page.getByTestId('details.summary')
    this.yaml = page.getByTestId('details.yaml')
  }

  pod(name: string): Locator {
    return this.page.getByTestId(`pod.${name}`)
  }

  node(name: string): Locator {
    return this.page.getByTestId(`node.${name}`)
  }

  /** Pods whose name starts with `prefix`, optionally only those with a status category. */
  pods(prefix: string, category?: string): Locator {
    return this.svg.locator(`[data-testid^="pod.${prefix}"]${category ? `.cat-${category}` : ''}`)
  }

  async transform(): Promise<string | null> {
    return this.world.getAttribute('transform')
  }

  tab(name: 'Summary' | 'YAML'): Locator {
    return this.details.getByRole('tab', { name })
  }
}
