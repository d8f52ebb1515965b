import { useId, useLayoutEffect, useMemo, useRef, useState } from 'react'
import './logs.css'
import { rfc3339 } from '../../engine/index.ts'
import { nodeFs } from '../../engine/node/fs.ts'
import { useSim, useSimStore, useUi } from '../hooks/stores.ts'
import { connectorPath } from './connector.ts'
import {
  CONTAINERS_DIR,
  PODS_DIR,
  humanSize,
  linkTo,
  readNodeDisk,
  shortLinkName,
  shortPodDirName,
  type DiskFile,
  type DiskLink,
  type NodeDisk,
} from './diskTree.ts'
import { LogPipeline } from './LogPipeline.tsx'

// The node disk view (issue 4): the two log trees of the selected node, as `ls -l` and
// `readlink -f` would show them over ssh. Files grow as lines arrive; each symlink in
// /var/log/containers names its target, and a line joins the two when either is hovered or
// focused. Buttons make every entry reachable with Tab; Enter pins it and shows what it holds.
// Re-reads the disk only when this node's runtime changes (a line, a pod, a rotation), not on
// every clock tick. A lesson can conceal it (`conceal: ['NodeDisk']`) while a predict question
// it would answer is open.

/** The kind a scenario step names in `conceal` to hide the disk view. */
export const NODE_DISK_KIND = 'NodeDisk'

const SYSTEM = 'kube-system'

type Entry = { type: 'file'; file: DiskFile } | { type: 'link'; link: DiskLink }

function entryPath(e: Entry): string {
  return e.type === 'file' ? e.file.path : e.link.path
}

/** The symlink and the file it points at, whichever of the two is given. */
function pairOf(disk: NodeDisk, e: Entry | null): { link?: string; file?: string } {
  if (!e) return {}
  if (e.type === 'link') return { link: e.link.path, file: e.link.resolved ?? undefined }
  return { link: linkTo(disk, e.file.path)?.path, file: e.file.path }
}

export function DiskView({ node }: { node: string }) {
  const store = useSimStore()
  const runtime = useSim((s) => s.cluster.nodes[node])
  const [showSystem, setShowSystem] = useState(false)
  const { disk: all, fs } = useMemo(() => {
    void runtime // the disk is a function of the node's runtime: re-read when it changes
    const fs = nodeFs(store.getState().cluster, node)
    return { fs, disk: fs ? readNodeDisk(fs) : null }
  }, [store, node, runtime])
  // kube-system's files (aws-node, kube-proxy) are folded away while the node runs other pods,
  // so that a symlink and its file fit on one screen; one button shows them
  const systemPods = all?.pods.filter((p) => p.namespace === SYSTEM).length ?? 0
  const folded = !!all && !showSystem && systemPods > 0 && systemPods < all.pods.length
  const disk = useMemo(
    () =>
      all && folded
        ? {
            ...all,
            pods: all.pods.filter((p) => p.namespace !== SYSTEM),
            links: all.links.filter((l) => l.namespace !== SYSTEM),
          }
        : all,
    [all, folded],
  )
  const [pinned, setPinned] = useState<string | null>(null)
  const [hovered, setHovered] = useState<string | null>(null)
  const headingId = useId()
  const concealed = useUi((s) => s.concealed.includes(NODE_DISK_KIND))

  const entries = useMemo(() => {
    const m = new Map<string, Entry>()
    if (!disk) return m
    for (const p of disk.pods)
      for (const c of p.containers)
        for (const f of c.files) m.set(f.path, { type: 'file', file: f })
    for (const l of disk.links) m.set(l.path, { type: 'link', link: l })
    return m
  }, [disk])
  const pinnedEntry = (pinned && entries.get(pinned)) || null
  const shown = (hovered && entries.get(hovered)) || pinnedEntry
  const pair = disk ? pairOf(disk, shown) : {}

  // the connector: measured after React commits the rows, drawn as one <path>
  const treesRef = useRef<HTMLDivElement>(null)
  const rows = useRef(new Map<string, HTMLElement>())
  const [line, setLine] = useState<string | null>(null)
  useLayoutEffect(() => {
    const box = treesRef.current
    const from = pair.link ? rows.current.get(pair.link) : undefined
    const to = pair.file ? rows.current.get(pair.file) : undefined
    let d: string | null = null
    if (box && from && to) {
      const b = box.getBoundingClientRect()
      const f = from.getBoundingClientRect()
      const t = to.getBoundingClientRect()
      d = connectorPath(
        { x: f.left - b.left, y: f.top - b.top + f.height / 2 },
        { x: t.left - b.left, y: t.top - b.top + t.height / 2 },
        3,
      )
    }
    setLine((prev) => (prev === d ? prev : d))
  }, [pair.link, pair.file, disk])

  if (concealed)
    return (
      <p className="dim" data-testid="disk.concealed">
        The disk view is hidden until you answer the lesson’s question: it would give the answer
        away.
      </p>
    )
  if (!disk || !fs)
    return (
      <p className="dim" data-testid="disk.gone">
        {node} is gone: its disk, with every log file on it, went with the instance.
      </p>
    )

  const rowRef = (path: string) => (el: HTMLElement | null) => {
    if (el) rows.current.set(path, el)
    else rows.current.delete(path)
  }
  const rowProps = (e: Entry) => {
    const path = entryPath(e)
    const role = path === pair.link || path === pair.file ? ' is-paired' : ''
    return {
      ref: rowRef(path),
      type: 'button' as const,
      className: `disk-entry${role}${pinned === path ? ' is-pinned' : ''}`,
      'aria-pressed': pinned === path,
      onClick: () => setPinned((p) => (p === path ? null : path)),
      onMouseEnter: () => setHovered(path),
      onMouseLeave: () => setHovered((h) => (h === path ? null : h)),
      onFocus: () => setHovered(path),
      onBlur: () => setHovered((h) => (h === path ? null : h)),
    }
  }

  const followed =
    pinnedEntry?.type === 'link'
      ? { namespace: pinnedEntry.link.namespace, pod: pinnedEntry.link.pod }
      : pinnedEntry?.type === 'file'
        ? (() => {
            const p = disk.pods.find((x) => pinnedEntry.file.path.startsWith(x.path + '/'))
            return p ? { namespace: p.namespace, pod: p.pod } : null
          })()
        : null

  return (
    <div className="disk-view" data-testid="disk.view">
      <p className="disk-intro">
        Log files on this node’s root volume ({humanSize(disk.totalBytes)} under{' '}
        <code>{PODS_DIR}</code>). Hover, focus or press an entry: a line joins each symlink to its
        file.
      </p>
      {systemPods > 0 && systemPods < (all?.pods.length ?? 0) && (
        <button
          type="button"
          className="disk-toggle"
          aria-pressed={showSystem}
          onClick={() => setShowSystem((v) => !v)}
          data-testid="disk.toggle-system"
        >
          {showSystem ? 'Hide' : 'Show'} kube-system’s files ({systemPods} pods)
        </button>
      )}
      <div className="disk-trees" ref={treesRef}>
        <svg className="disk-connector" aria-hidden="true" data-testid="disk.connector">
          <defs>
            <marker
              id={`${headingId}-arrow`}
              viewBox="0 0 8 8"
              refX="7"
              refY="4"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L8,4 L0,8 z" className="disk-arrowhead" />
            </marker>
          </defs>
          {line && (
            <path d={line} className="disk-link-line" markerEnd={`url(#${headingId}-arrow)`} />
          )}
        </svg>

        <section aria-labelledby={`${headingId}-pods`} className="disk-tree">
          <h4 id={`${headingId}-pods`}>
            <code>{PODS_DIR}/</code> <span className="dim">written by containerd</span>
          </h4>
          {disk.pods.length === 0 ? (
            <p className="dim">empty</p>
          ) : (
            <ul className="disk-list" data-testid="disk.pods">
              {disk.pods.map((p) => (
                <li key={p.path}>
                  <span className="disk-dir" title={p.name}>
                    <span className="sr-only">{p.name}</span>
                    <span aria-hidden="true">{shortPodDirName(p)}/</span>
                  </span>
                  <ul>
                    {p.containers.map((c) => (
                      <li key={c.path}>
                        <span className="disk-dir">{c.name}/</span>
                        <ul>
                          {c.files.map((f) => (
                            <li key={f.path}>
                              <button
                                {...rowProps({ type: 'file', file: f })}
                                aria-label={`${f.name}, ${f.size} bytes, in ${p.name}/${c.name}${f.kind === 'gz' ? ', compressed' : f.kind === 'rotated' ? ', rotated' : ''}`}
                                data-testid={`disk.file.${p.pod}.${c.name}.${f.name}`}
                                data-kind={f.kind}
                              >
                                <span className="disk-name">{f.name}</span>
                                <span className="disk-size">{humanSize(f.size)}</span>
                              </button>
                            </li>
                          ))}
                        </ul>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby={`${headingId}-links`} className="disk-tree">
          <h4 id={`${headingId}-links`}>
            <code>{CONTAINERS_DIR}/</code> <span className="dim">symlinks kept by the kubelet</span>
          </h4>
          {disk.links.length === 0 ? (
            <p className="dim">empty</p>
          ) : (
            <ul className="disk-list" data-testid="disk.links">
              {disk.links.map((l) => (
                <li key={l.path}>
                  <button
                    {...rowProps({ type: 'link', link: l })}
                    aria-label={`symlink ${l.name}, points to ${l.target}${l.resolved ? '' : ' (missing)'}`}
                    data-testid={`disk.link.${l.pod}.${l.container}`}
                  >
                    <span className="disk-name" title={l.name}>
                      {shortLinkName(l)}
                    </span>
                    <span className="disk-arrow" aria-hidden="true">
                      {' '}
                      →{' '}
                    </span>
                    <span className="disk-target">
                      {l.target.replace(`${PODS_DIR}/`, '…/').replace(/_[0-9a-f-]{36}\//, '_…/')}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {pinnedEntry && <EntryInfo entry={pinnedEntry} readFile={(p) => fs.readFile(p)} />}
      <LogPipeline node={node} follow={followed} />
    </div>
  )
}

/** What a pinned entry is: full path, size, target, and the last CRI records of a log file. */
function EntryInfo({
  entry,
  readFile,
}: {
  entry: Entry
  readFile: (path: string) => string | { message: string }
}) {
  if (entry.type === 'link') {
    const l = entry.link
    return (
      <div className="disk-info" data-testid="disk.info" aria-live="polite">
        <p>
          <code>{l.path}</code> is a symlink →{' '}
          <code data-testid="disk.info.target">{l.target}</code>
        </p>
        <p className="dim">
          {l.resolved
            ? 'The kubelet names it pod_namespace_container-ID, the reverse order of the pods directory; log shippers such as Fluent Bit tail these links.'
            : 'Its target is gone: the link dangles.'}
        </p>
      </div>
    )
  }
  const f = entry.file
  const text = f.kind === 'gz' ? null : readFile(f.path)
  const lines = typeof text === 'string' ? text.split('\n').filter(Boolean).slice(-3) : []
  const last = lines.at(-1)?.split(' ')
  return (
    <div className="disk-info" data-testid="disk.info" aria-live="polite">
      <p>
        <code>{f.path}</code>
      </p>
      <p className="dim">
        {f.size} bytes, modified {rfc3339(f.mtime)}.{' '}
        {f.kind === 'live'
          ? 'containerd appends every line the container writes.'
          : f.kind === 'gz'
            ? 'Rotated and gzip-compressed by the kubelet: read it with zcat.'
            : 'Rotated by the kubelet: renamed with the time of rotation.'}
      </p>
      {last && last.length >= 4 && (
        <figure className="cri-line" data-testid="disk.info.cri">
          <figcaption>Last record, in the CRI log format</figcaption>
          <dl className="fields">
            {(
              [
                ['timestamp', last[0]],
                ['stream', last[1]],
                ['tag', `${last[2]} (${last[2] === 'F' ? 'full line' : 'partial line'})`],
                ['message', last.slice(3).join(' ')],
              ] as const
            ).map(([k, v]) => (
              <div key={k} className="field">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </figure>
      )}
    </div>
  )
}
