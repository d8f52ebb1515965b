import type { CommandSpec } from '../types.ts'
import { ETCDCTL_COMMANDS } from './etcdctl.ts'
import { HEXDUMP_COMMANDS } from './hexdump.ts'

// The etcd x-ray (etcdctl on your machine, as if you could reach the managed etcd) and the byte
// viewers that make its values readable.
export const ETCD_COMMANDS: CommandSpec[] = [...ETCDCTL_COMMANDS, ...HEXDUMP_COMMANDS]
