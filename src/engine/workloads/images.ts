// The images a learner can run, and what each one does when it starts. Anything else fails to pull,
// as a typo would on a real cluster (ErrImagePull, then ImagePullBackOff).

export type Behaviour =
  | 'nginx'
  | 'busybox'
  | 'curl'
  | 'coredns'
  | 'kube-proxy'
  | 'aws-node'
  | 'network-policy-agent'
  | 'cni-init'
  | 'pause'
  | 'fluent-bit'

export interface ImageInfo {
  /** registry/repository without tag, as containerd reports it */
  repository: string
  tags: string[]
  digest: string
  sizeBytes: number
  behaviour: Behaviour
  /** ENTRYPOINT + CMD of the image config */
  entrypoint: string[]
  cmd: string[]
  env: Record<string, string>
  /** listening ports (for describe and, later, the network model) */
  listens: number[]
  /** ports bound to one address only (the rest listen on every address, 0.0.0.0) */
  bindAddress?: Record<number, string>
}

const ECR = '602401143452.dkr.ecr.us-west-2.amazonaws.com'

const CATALOGUE: ImageInfo[] = [
  {
    repository: 'docker.io/library/nginx',
    tags: ['latest', '1.29', '1.29.3', '1.27', 'stable', 'alpine'],
    digest: 'sha256:553f64aecdc31b5bf944521731cd70e35da4faed96b2b7548a3d8e2598c52a42',
    sizeBytes: 59772946,
    behaviour: 'nginx',
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
    env: {
      NGINX_VERSION: '1.29.3',
      NJS_VERSION: '0.9.4',
      PKG_RELEASE: '1~trixie',
      DYNPKG_RELEASE: '1~trixie',
    },
    listens: [80],
  },
  {
    repository: 'docker.io/library/busybox',
    tags: ['latest', '1.37', '1.36', 'stable'],
    digest: 'sha256:e3652a00a2fabd16ce889f0aa32c38eec347b997e73bd09e69c962ec7f8732ee',
    sizeBytes: 2223685,
    behaviour: 'busybox',
    entrypoint: [],
    cmd: ['sh'],
    env: {},
    listens: [],
  },
  {
    repository: 'docker.io/curlimages/curl',
    tags: ['latest', '8.17.0', '8.11.1'],
    digest: 'sha256:935d9100e9ba842cdb060de42472c7ca90cfe9a7c96e4dacb55e79e560b3ff40',
    sizeBytes: 10213468,
    behaviour: 'curl',
    entrypoint: ['/entrypoint.sh'],
    cmd: ['curl'],
    env: { CURL_VERSION: '8.17.0', CURL_RELEASE_TAG: 'curl-8_17_0' },
    listens: [],
  },
  {
    repository: `${ECR}/eks/coredns`,
    tags: ['v1.11.4-eksbuild.2'],
    digest: 'sha256:7e7e3a4a7ee1bc4b6c03a3ad1cb9b7e5e0b0bb31b59e1d57e8a7f1e41eb4c1d0',
    sizeBytes: 20862283,
    behaviour: 'coredns',
    entrypoint: ['/coredns'],
    cmd: [],
    env: {},
    listens: [53, 9153],
  },
  {
    repository: `${ECR}/eks/kube-proxy`,
    tags: ['v1.32.0-minimal-eksbuild.2'],
    digest: 'sha256:4f1a8d3b2c9e6f0a7b5d8c1e3f2a9b6d4c7e0f1a2b3c4d5e6f7a8b9c0d1e2f3a',
    sizeBytes: 36451092,
    behaviour: 'kube-proxy',
    entrypoint: [],
    cmd: [],
    env: {},
    listens: [10249, 10256],
  },
  {
    repository: `${ECR}/amazon-k8s-cni`,
    tags: ['v1.19.2-eksbuild.1'],
    digest: 'sha256:9c5e3c6b1b2a0f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e',
    sizeBytes: 46302847,
    behaviour: 'aws-node',
    entrypoint: [],
    cmd: ['/app/aws-vpc-cni'],
    env: {},
    listens: [61678, 61679],
    // ipamd's introspection: INTROSPECTION_BIND_ADDRESS, default 127.0.0.1:61679
    // (amazon-vpc-cni-k8s pkg/ipamd/introspect.go); its metrics server binds ":61678", every
    // address (pkg/ipamd/metrics.go)
    bindAddress: { 61679: '127.0.0.1' },
  },
  {
    repository: `${ECR}/amazon-k8s-cni-init`,
    tags: ['v1.19.2-eksbuild.1'],
    digest: 'sha256:2d1e0f9c8b7a6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d',
    sizeBytes: 57127388,
    behaviour: 'cni-init',
    entrypoint: [],
    cmd: ['/init/aws-vpc-cni-init'],
    env: {},
    listens: [],
  },
  {
    repository: `${ECR}/amazon/aws-network-policy-agent`,
    tags: ['v1.1.6-eksbuild.1'],
    digest: 'sha256:6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a',
    sizeBytes: 37621934,
    behaviour: 'network-policy-agent',
    entrypoint: ['/controller'],
    cmd: [],
    env: {},
    listens: [8162],
  },
  {
    // AWS for Fluent Bit 2.x (Fluent Bit 1.9.10 inside); its entrypoint execs fluent-bit with the
    // AWS output plugins. https://github.com/aws/aws-for-fluent-bit
    repository: 'public.ecr.aws/aws-observability/aws-for-fluent-bit',
    tags: ['stable', 'latest', '2.32.5', '2.32.4', '2.32.2'],
    digest: 'sha256:8d7a4c2e5b1f9a3d6c0e7b4a2f8d5c1e9b3a7f0d4c6e2b8a5f1d9c3e7b0a4f62',
    sizeBytes: 111468337,
    behaviour: 'fluent-bit',
    entrypoint: [],
    cmd: ['/entrypoint.sh'],
    env: { FLB_VERSION: '1.9.10' },
    listens: [2020],
  },
  {
    repository: 'localhost/kubernetes/pause',
    tags: ['latest'],
    digest: 'sha256:7c38f24774e3cbd906d2d33c38354ccf787635581c122965132c9bd309754d4a',
    sizeBytes: 321520,
    behaviour: 'pause',
    entrypoint: ['/pause'],
    cmd: [],
    env: {},
    listens: [],
  },
]

export interface ResolvedImage {
  info: ImageInfo
  /** fully qualified name:tag as containerd reports it in status.containerStatuses[].image */
  ref: string
  /** repository@digest, status.containerStatuses[].imageID */
  id: string
}

/** Docker-style reference normalisation: `nginx` -> docker.io/library/nginx:latest. */
export function normalizeImage(image: string): { repository: string; tag: string } {
  let name = image
  let tag = 'latest'
  const at = name.indexOf('@')
  if (at >= 0) name = name.slice(0, at)
  const lastSlash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = name.slice(colon + 1)
    name = name.slice(0, colon)
  }
  const first = name.split('/')[0]!
  const hasRegistry =
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  if (!hasRegistry) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`
  return { repository: name, tag }
}

export function resolveImage(image: string): ResolvedImage | undefined {
  const { repository, tag } = normalizeImage(image)
  const info = CATALOGUE.find((i) => i.repository === repository && i.tags.includes(tag))
  if (!info) return undefined
  return { info, ref: `${repository}:${tag}`, id: `${repository}@${info.digest}` }
}

export function knownImages(): readonly ImageInfo[] {
  return CATALOGUE
}

export const IMAGES = { ECR, pause: 'localhost/kubernetes/pause:latest' } as const
