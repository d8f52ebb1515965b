import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/**
 * No serious or critical axe violations on the page, or only in the parts `include` names (CSS
 * selectors). The failure lists each rule with its first offending node.
 */
export async function expectNoSeriousAxe(page: Page, ...include: string[]): Promise<void> {
  let builder = new AxeBuilder({ page })
  for (const sel of include) builder = builder.include(sel)
  const results = await builder.analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target.join(' ')})`,
    ),
  ).toEqual([])
}
