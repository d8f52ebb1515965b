import type { Scenario } from './types.ts'
import { tour } from './tour.ts'
import { logs } from './logs.ts'
import { services } from './services.ts'
import { iptables } from './iptables.ts'
import { secrets } from './secrets.ts'
import { cni } from './cni.ts'
import { egress } from './egress.ts'

// The registry: every scenario the app offers, in the order the home page lists them (LESSONS.md).
export const SCENARIOS: readonly Scenario[] = [tour, logs, secrets, services, iptables, cni, egress]

export function getScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id)
}

export type { Scenario, Step, TopicId } from './types.ts'
