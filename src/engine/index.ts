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
export { awsHashHex } from './aws/ids.ts'
export { resolveImage, normalizeImage, knownImages } from './workloads/images.ts'
export { isPodReady } from './controllers/replicaset.ts'
export { surgeAndUnavailable } from './controllers/deployment.ts'
export { deepClone } from './clone.ts'
export { applyUpdateDefaults } from './apiserver/defaults.ts'
export { canonicalJson } from './controllers/hash.ts'
export { base64, base64Decode, base64DecodeText, utf8Bytes, utf8Decode } from './encoding.ts'
export { parseQuantity, QUANTITY_BINARY, QUANTITY_DECIMAL } from './quantity.ts'
export {
  terminateInstances,
  kubeletUnreachableError,
  NODE_MONITOR_GRACE_MS,
} from './aws/terminate.ts'
export type { InstanceStateChange } from './aws/terminate.ts'
export {
  logGroupsIn,
  findLogGroup,
  filterLogEvents,
  MAX_EVENTS_PER_STREAM,
} from './shipping/cloudwatch.ts'
export type {
  CloudWatchLogsState,
  LogGroup,
  LogStream,
  LogEvent,
  FilteredEvent,
} from './shipping/cloudwatch.ts'
export { fluentBitManifest, FLUENT_BIT_IMAGE } from './shipping/manifest.ts'
export { tailableFiles, containerLogBasename } from './shipping/fluentbit.ts'
export {
  containerLogFiles,
  findContainerLogFile,
  gunzipNodeFile,
  logFileContent,
  instanceLogFiles,
  containerInstances,
  podLogDir,
  containerLogPath,
  containerLogSymlink,
  liveLogBytes,
  gzipSize,
  type ContainerLogFile,
  type LogFileKind,
} from './logs/files.ts'
export {
  criLines,
  criText,
  criLogText,
  criTimestamp,
  parseCriLine,
  splitMessage,
  utf8Len,
  MAX_CONTAINER_LOG_LINE_SIZE,
  type CriLine,
} from './logs/cri.ts'
export { LOG_MONITOR_INTERVAL_MS, rotationStamp, nextMonitorTick } from './logs/rotate.ts'
export {
  readPodLogs,
  pickInstance,
  wholeLines,
  emitLogsRequest,
  type LogQuery,
  type LogLineOut,
  type LogReadResult,
} from './logs/read.ts'
export { etcdValue, etcdValueSize, isEncrypted } from './etcd/value.ts'
export { encodeObject, isExactKind, PROTOBUF_MAGIC } from './etcd/protobuf.ts'
export {
  kmsV2Decrypt,
  encryptionPolicy,
  startApiServers,
  associateEncryptionConfig,
  KMS_V2_PREFIX,
  PROVIDER_AWS_OWNED_KEY,
  PROVIDER_CUSTOMER_KEY,
} from './etcd/kms.ts'
export type { EncryptionPolicy } from './etcd/kms.ts'
export type { StoredValue, DataKey, EncryptionState, RaftState } from './model/etcd.ts'
export {
  authorize,
  checkAccess,
  clusterCreator,
  accessEntries,
  forbidden,
  forbiddenMessage,
  impersonate,
  ruleAllows,
  rulesFor,
  serviceAccountGroups,
  splitServiceAccountUser,
  selfSubjectReview,
} from './apiserver/authz.ts'
export type { UserInfo, RequestAttributes, Decision, AccessEntry } from './apiserver/authz.ts'
export {
  createManagedNodeGroup,
  scaleNodeGroup,
  deleteNodeGroup,
  drainNodes,
  drainablePods,
  nodeGroupNodes,
  newNodeGroupName,
} from './aws/nodegroups.ts'
export type { NewNodeGroup } from './aws/nodegroups.ts'
