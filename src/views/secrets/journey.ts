import type { ClusterState, Pod, Secret, SimEvent } from '../../engine/index.ts'
import {
  base64Decode,
  encodeObject,
  etcdValue,
  getEntry,
  listObjects,
  utf8Bytes,
} from '../../engine/index.ts'
import { toYaml } from '../../console/format/yaml.ts'
import { excerpt, type Excerpt } from './bytes.ts'

// "The journey of one Secret" (LESSONS.md §2, FIDELITY.md §2), as a pure model: where one value of
// one Secret is, stop by stop, and the bytes it is made of at each stop, computed with the engine's
// own encoders (encodeObject, etcdValue), never retyped. Facts that only an event carries (the Raft
// term and index, the kubelet's fetch) come from the newest matching event still in the log; the
// rest comes from the cluster state, so the journey stays right after events scroll away.

export type Zone = 'laptop' | 'control-plane' | 'etcd' | 'node'

export type StopId =
  | 'kubectl'
  | 'decoded'
  | 'protobuf'
  | 'encrypted'
  | 'leader'
  | 'followers'
  | 'kubelet'
  | 'tmpfs'
  | 'container'

export interface Stop {
  id: StopId
  zone: Zone
  title: string
  /** one or two sentences: what happens here and what the bytes are (also the text equivalent) */
  text: string
  /** label/value pairs shown beside the bytes (Raft term, path, provider…) */
  facts: [string, string][]
  /** the bytes as they are at this stop; text stops (the manifest) have `lines` instead */
  bytes?: Excerpt
  lines?: { text: string; mark: 'base64' | null }[]
  /** the value is readable here (in clear, or base64 that anyone can decode) */
  readable: 'clear' | 'base64' | 'no'
  /** the Secret has not got here (no pod uses it yet) */
  pending?: boolean
}

export interface SecretRef {
  namespace: string
  name: string
}

export interface Journey {
  secret: SecretRef
  /** the data key followed (the first, in sorted order) and its value as text */
  key: string
  value: string
  encrypted: boolean
  stops: Stop[]
}

export const ZONE_LABEL: Record<Zone, string> = {
  laptop: 'Your laptop',
  'control-plane': 'EKS control plane (AWS-managed)',
  etcd: 'etcd (x-ray)',
  node: 'Worker node',
}

/** Shown at every etcd stop: the learner must not leave thinking they can do this on EKS. */
export const XRAY_LABEL = 'x-ray: on EKS nobody can read etcd; AWS runs it for you'

const SECRETS_PREFIX = '/registry/secrets/'

function secretKeyOf(ref: SecretRef): string {
  return `${SECRETS_PREFIX}${ref.namespace}/${ref.name}`
}

/**
 * The Secret to follow when none is chosen: the one written most recently outside kube-system
 * (the lesson's `db`), or any Secret at all.
 */
export function latestSecret(state: ClusterState): SecretRef | null {
  let best: { ref: SecretRef; rev: number; system: boolean } | null = null
  for (const s of listObjects(state, 'Secret')) {
    const ns = s.metadata.namespace ?? 'default'
    const entry = getEntry(state, 'Secret', ns, s.metadata.name)
    if (!entry || !s.data || Object.keys(s.data).length === 0) continue
    const system = ns === 'kube-system'
    const better =
      !best || (best.system && !system) || (best.system === system && entry.modRevision > best.rev)
    if (better)
      best = { ref: { namespace: ns, name: s.metadata.name }, rev: entry.modRevision, system }
  }
  return best?.ref ?? null
}

/** The Secret an event is about, if it is one: an etcd write under /registry/secrets or a kubelet read. */
export function secretOfEvent(e: SimEvent): SecretRef | null {
  if (e.type === 'etcd.replicate' && e.op === 'put' && e.key.startsWith(SECRETS_PREFIX)) {
    const [namespace, name] = e.key.slice(SECRETS_PREFIX.length).split('/')
    return namespace && name ? { namespace, name } : null
  }
  if ((e.type === 'kubelet.fetch' || e.type === 'kubelet.volume') && e.kind === 'Secret')
    return { namespace: e.namespace, name: e.name }
  return null
}

interface PodUse {
  pod: Pod
  volume?: { name: string; mountPath?: string; container?: string }
  env?: { container: string; variable: string }
}

/** Pods on a node that use the Secret, as a volume (preferred: that is what the lesson shows) or an env var. */
export function podsUsing(state: ClusterState, ref: SecretRef, key: string): PodUse[] {
  const out: PodUse[] = []
  for (const pod of listObjects(state, 'Pod', ref.namespace)) {
    if (!pod.spec.nodeName) continue
    const vol = pod.spec.volumes?.find(
      (v) => (v.secret as { secretName?: string } | undefined)?.secretName === ref.name,
    )
    if (vol) {
      const c = pod.spec.containers.find((c) => c.volumeMounts?.some((m) => m.name === vol.name))
      const m = c?.volumeMounts?.find((m) => m.name === vol.name)
      out.push({ pod, volume: { name: vol.name, mountPath: m?.mountPath, container: c?.name } })
      continue
    }
    for (const c of pod.spec.containers) {
      const v = c.env?.find((e) => {
        const r = (e.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)
          ?.secretKeyRef
        return r?.name === ref.name && r.key === key
      })
      if (v) {
        out.push({ pod, env: { container: c.name, variable: v.name } })
        break
      }
    }
  }
  return out.sort((a, b) => Number(!a.volume) - Number(!b.volume))
}

function newest<T extends SimEvent['type']>(
  events: readonly SimEvent[],
  type: T,
  match: (e: Extract<SimEvent, { type: T }>) => boolean,
): Extract<SimEvent, { type: T }> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!
    if (e.type === type && match(e as Extract<SimEvent, { type: T }>))
      return e as Extract<SimEvent, { type: T }>
  }
  return undefined
}

function readable(x: Excerpt): Stop['readable'] {
  return x.clear ? 'clear' : x.base64 ? 'base64' : 'no'
}

/** The journey of `ref` as the cluster holds it now, or null if there is no such Secret with data. */
export function buildJourney(
  state: ClusterState,
  events: readonly SimEvent[],
  ref: SecretRef,
): Journey | null {
  const entry = getEntry(state, 'Secret', ref.namespace, ref.name)
  const secret = entry?.value as Secret | undefined
  if (!entry || !secret?.data) return null
  const key = Object.keys(secret.data).sort()[0]
  if (key === undefined) return null
  const b64 = secret.data[key]!
  const raw = base64Decode(b64) ?? []
  const value = { clear: raw, base64: utf8Bytes(b64) }
  const etcdKey = secretKeyOf(ref)
  const stored = etcdValue(state, etcdKey, entry)
  const proto = encodeObject(secret)
  const encrypted = entry.stored?.dek !== undefined
  const dek = encrypted ? state.encryption?.deks[entry.stored!.dek!] : undefined
  const valueText = String.fromCharCode(...raw.map((b) => (b >= 0x20 && b <= 0x7e ? b : 0x2e)))

  // what `kubectl create secret` / `kubectl apply` sends: the object with data in base64
  const manifest = toYaml({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: ref.name, namespace: ref.namespace },
    type: secret.type,
    data: { [key]: b64 },
  })
  const lines = manifest
    .trimEnd()
    .split('\n')
    .map((text) => ({ text, mark: text.includes(b64) ? ('base64' as const) : null }))

  const protoX = excerpt(proto, value)
  const storedX = excerpt(stored, value)
  const rawX = excerpt(raw, value)
  const repl = newest(events, 'etcd.replicate', (e) => e.key === etcdKey && e.op === 'put')
  const sameWrite = repl?.revision === entry.modRevision ? repl : undefined
  const members = state.aws.controlPlane.etcdMembers
  const leader = sameWrite?.leader ?? members.find((m) => m.isLeader) ?? members[0]
  const followers =
    sameWrite?.followers ??
    members
      .filter((m) => m.name !== leader?.name)
      .map((m) => ({ name: m.name, availabilityZone: m.availabilityZone }))
  const apiServer = state.aws.controlPlane.apiServers[entry.stored?.apiServer ?? 0]
  const raftFacts: [string, string][] = sameWrite
    ? [
        ['Raft term', String(sameWrite.term)],
        ['Raft index', String(sameWrite.index)],
      ]
    : [['Raft term, index', 'not in the event log any more (written before it)']]

  const stops: Stop[] = [
    {
      id: 'kubectl',
      zone: 'laptop',
      title: 'kubectl sends the manifest',
      text: `kubectl sends the Secret to the API server over TLS, as JSON (shown here as YAML). In it the value is base64: \`${b64}\`. That is an encoding anyone can reverse, not encryption.`,
      facts: [
        ['Key', key],
        ['Base64', b64],
      ],
      lines,
      readable: 'base64',
    },
    {
      id: 'decoded',
      zone: 'control-plane',
      title: 'The API server decodes it',
      text: `The API server decodes the base64: from here on the value is ${raw.length} raw bytes, \`${valueText}\`.`,
      facts: [
        ['API server', apiServer ? `${apiServer.id} (${apiServer.availabilityZone})` : '?'],
        ['Bytes', String(raw.length)],
      ],
      bytes: rawX,
      readable: readable(rawX),
    },
    {
      id: 'protobuf',
      zone: 'control-plane',
      title: 'It serializes the object',
      text: `It encodes the whole Secret as Kubernetes protobuf: \`k8s\\0\`, then \`v1\`, \`Secret\`, the metadata, and the value as raw bytes, readable in the ASCII column.`,
      facts: [
        ['Format', 'protobuf (k8s\\0 + runtime.Unknown)'],
        ['Bytes', String(proto.length)],
      ],
      bytes: protoX,
      readable: readable(protoX),
    },
    encrypted && dek
      ? {
          id: 'encrypted',
          zone: 'control-plane',
          title: 'It encrypts it with its data key',
          text: `The API server's KMS v2 provider seals the protobuf with AES-GCM under its data key (DEK), made when the API server started; KMS only wrapped that DEK. etcd gets \`k8s:enc:kms:v2:${dek.providerName}:\` and ciphertext: \`${valueText}\` is nowhere in it.`,
          facts: [
            ['Provider', dek.providerName],
            ['KMS key (KEK)', dek.keyId],
            ['DEK made', `at API server start (${dek.sourceType})`],
            ['Bytes', String(stored.length)],
          ],
          bytes: storedX,
          readable: readable(storedX),
        }
      : {
          id: 'encrypted',
          zone: 'control-plane',
          title: 'No encryption at rest',
          text: `This value was written without envelope encryption (Kubernetes ${state.aws.cluster.version} with no KMS key for Secrets, or written before one was set): etcd gets the protobuf as it is, \`${valueText}\` in clear.`,
          facts: [['Provider', 'identity (none)']],
          bytes: storedX,
          readable: readable(storedX),
        },
    {
      id: 'leader',
      zone: 'etcd',
      title: 'The etcd leader stores it',
      text: `The etcd leader${leader ? ` ${leader.name} in ${leader.availabilityZone}` : ''} appends the write to its Raft log under the key \`${etcdKey}\`. The key is never encrypted; the value is ${encrypted ? 'ciphertext' : 'plain protobuf'}.`,
      facts: [
        ['Key', etcdKey],
        ['Revision', String(entry.modRevision)],
        ...raftFacts,
        ['Leader', leader ? `${leader.name} (${leader.availabilityZone})` : '?'],
      ],
      bytes: storedX,
      readable: readable(storedX),
    },
    {
      id: 'followers',
      zone: 'etcd',
      title: 'The followers copy it',
      text: `The leader replicates the entry to ${followers.map((f) => `${f.name} in ${f.availabilityZone}`).join(' and ')}; it commits once two of three hold it. All three members keep the same bytes.`,
      facts: [
        ...followers.map((f): [string, string] => [f.name, f.availabilityZone]),
        ...(sameWrite
          ? ([['Committed at', `Raft term ${sameWrite.term}, index ${sameWrite.index}`]] as [
              string,
              string,
            ][])
          : []),
      ],
      bytes: storedX,
      readable: readable(storedX),
    },
  ]

  const use = podsUsing(state, ref, key)[0]
  if (!use) {
    const why = `No pod on any node uses ${ref.name} yet. A kubelet fetches a Secret only when a pod on its own node needs it; no other node ever holds it.`
    stops.push(
      {
        id: 'kubelet',
        zone: 'node',
        title: 'The kubelet fetches it',
        text: why,
        facts: [],
        readable: 'no',
        pending: true,
      },
      {
        id: 'tmpfs',
        zone: 'node',
        title: 'tmpfs on the node',
        text: `Not on any node: no kubelet has written ${ref.name} to a tmpfs, and no node's disk ever holds it.`,
        facts: [],
        readable: 'no',
        pending: true,
      },
      {
        id: 'container',
        zone: 'node',
        title: 'The container reads it',
        text: `No container has it. Run a pod that mounts ${ref.name} as a volume (or reads it with \`secretKeyRef\`) and these stops fill in.`,
        facts: [],
        readable: 'no',
        pending: true,
      },
    )
    return { secret: ref, key, value: valueText, encrypted, stops }
  }
  const node = use.pod.spec.nodeName!
  const podName = use.pod.metadata.name
  const fetch = newest(
    events,
    'kubelet.fetch',
    (e) =>
      e.kind === 'Secret' &&
      e.name === ref.name &&
      e.namespace === ref.namespace &&
      e.pod === podName,
  )
  stops.push({
    id: 'kubelet',
    zone: 'node',
    title: 'The kubelet fetches it',
    text: `Pod ${podName} runs on ${node}, so that node's kubelet reads ${ref.name} from the API server, which decrypts it first: the kubelet gets the value in clear, over TLS. Other nodes never get it.`,
    facts: [
      ['Node', node],
      ['Pod', podName],
      ['For', use.volume ? `volume ${use.volume.name}` : `env of ${use.env!.container}`],
      ...(fetch
        ? ([['Fetched at', `${(fetch.at / 1000).toFixed(1)} s`]] as [string, string][])
        : []),
    ],
    bytes: rawX,
    readable: readable(rawX),
  })
  if (use.volume) {
    const vol = newest(
      events,
      'kubelet.volume',
      (e) =>
        e.kind === 'Secret' &&
        e.name === ref.name &&
        e.pod === podName &&
        e.namespace === ref.namespace,
    )
    const dir =
      vol?.path ??
      `/var/lib/kubelet/pods/${use.pod.metadata.uid}/volumes/kubernetes.io~secret/${use.volume.name}`
    stops.push(
      {
        id: 'tmpfs',
        zone: 'node',
        title: 'It writes a file on tmpfs',
        text: `The kubelet writes one file per key into a tmpfs, memory not disk: \`${dir}/${key}\`, ${raw.length} bytes, \`${valueText}\` in clear.`,
        facts: [
          ['Directory', `${dir}/`],
          ['Medium', 'tmpfs (memory)'],
          ['Files', (vol?.keys ?? [key]).join(', ')],
          ...(vol ? ([['Bytes written', String(vol.bytes)]] as [string, string][]) : []),
        ],
        bytes: rawX,
        readable: readable(rawX),
      },
      {
        id: 'container',
        zone: 'node',
        title: 'The container reads the file',
        text: `The same tmpfs is mounted in container ${use.volume.container ?? '?'} at \`${use.volume.mountPath ?? '?'}\`: the app reads \`${use.volume.mountPath ?? ''}/${key}\` and gets \`${valueText}\`.`,
        facts: [
          ['File', `${use.volume.mountPath ?? '?'}/${key}`],
          ['Container', use.volume.container ?? '?'],
        ],
        bytes: rawX,
        readable: readable(rawX),
      },
    )
  } else {
    const env = use.env!
    stops.push(
      {
        id: 'tmpfs',
        zone: 'node',
        title: 'No file: an environment variable',
        text: `${podName} uses ${ref.name} through \`secretKeyRef\`, so the kubelet writes no file: it passes the value to the container runtime as ${env.variable} when the container starts.`,
        facts: [['Variable', env.variable]],
        readable: 'no',
      },
      {
        id: 'container',
        zone: 'node',
        title: 'The container sees it in its environment',
        text: `Container ${env.container} sees ${env.variable}=${valueText} until it restarts; an update to the Secret does not reach it.`,
        facts: [['Variable', env.variable]],
        bytes: rawX,
        readable: readable(rawX),
      },
    )
  }
  return { secret: ref, key, value: valueText, encrypted, stops }
}

/** The journey in words, one sentence per stop (the text equivalent of the animation). */
export function journeyText(j: Journey): string[] {
  return j.stops.map((s) => `${ZONE_LABEL[s.zone]}: ${s.title}. ${s.text}`)
}

/** Which details-panel selections get the Journey tab: the control-plane parts it crosses, and Secrets. */
export function hasJourneyTab(kind: string): boolean {
  return ['EKS control plane', 'API server', 'etcd member', 'Secret'].includes(kind)
}
