// Public facade of the engine. Views, the console and scenarios import from here.
export { createSimulation, DEFAULT_CONFIG } from './simulation.ts'
export type {
  Simulation,
  SimSnapshot,
  TransactResult,
  Listener,
  CreateOptions,
} from './simulation.ts'
export type { Ctx } from './context.ts'
export type { SimEvent, SimEventType, Layer } from './events.ts'
export { layerOf } from './events.ts'
export type * from './model/k8s.ts'
export type * from './model/aws.ts'
export type * from './model/node.ts'
export type { ClusterState, SimulationConfig, EtcdEntry } from './model/state.ts'
export {
  RESOURCES,
  lookupResource,
  resourceForKind,
  apiVersionOf,
  qualifiedSingular,
  etcdKey,
} from './model/resources.ts'
export type { ResourceInfo } from './model/resources.ts'
export { ApiError } from './apiserver/errors.ts'
export {
  createObject,
  updateObject,
  patchObject,
  deleteObjectGracefully,
  resourceName,
  kindName,
} from './apiserver/api.ts'
export { getObject, listObjects, allEntries, getEntry } from './apiserver/store.ts'
export { selectorMatches } from './apiserver/validation.ts'
export {
  humanDuration,
  rfc3339,
  rfc3339Nano,
  parseDuration,
  parseRfc3339,
  EPOCH_MS,
  SECOND,
  MINUTE,
  HOUR,
} from './time.ts'
export { INSTANCE_TYPES, maxPods } from './aws/instanceTypes.ts'
export { NODE_OS } from './aws/nodeInfo.ts'
export { resolveImage, normalizeImage, knownImages } from './workloads/images.ts'
export { isPodReady } from './controllers/replicaset.ts'
export { surgeAndUnavailable } from './controllers/deployment.ts'
export { deepClone } from './clone.ts'
export { applyUpdateDefaults } from './apiserver/defaults.ts'
export { canonicalJson } from './controllers/hash.ts'
export { base64, base64Decode, base64DecodeText, utf8Bytes, utf8Decode } from './encoding.ts'
export { parseQuantity, QUANTITY_BINARY, QUANTITY_DECIMAL } from './quantity.ts'
