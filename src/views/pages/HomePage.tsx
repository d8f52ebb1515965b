import { useRef, useState, type ChangeEvent } from 'react'
import { Link } from 'react-router'
import { SCENARIOS, type Scenario, type TopicId } from '../../scenarios/index.ts'
import { progressStore, stepsDone, type ProgressData } from '../../state/progressStore.ts'
import { useTitle } from '../hooks/useTitle.ts'
import { useProgress } from '../scenario/useProgress.ts'
import '../scenario/scenario.css'

// `/`: the questions Cutaway answers (DESIGN.md), the scenarios with the learner's progress and a
// resume link, the sandbox, and progress export/import.

const TOPICS: { id: TopicId; question: string; blurb: string }[] = [
  {
    id: 'logs',
    question: "Where do a pod's logs go?",
    blurb: 'stdout → containerd → /var/log/pods on the node, and what `kubectl logs` really reads.',
  },
  {
    id: 'secrets',
    question: 'Where are Secrets stored?',
    blurb:
      'etcd on the AWS-managed control plane; base64 is not encryption; KMS envelope encryption.',
  },
  {
    id: 'services',
    question: 'How does a Service route traffic to pods?',
    blurb: 'EndpointSlices, kube-proxy on every node, and the iptables rules that do the work.',
  },
  {
    id: 'iptables',
    question: 'What are iptables?',
    blurb: 'Netfilter hooks, tables and chains, traced packet by packet.',
  },
  {
    id: 'cni',
    question: 'What does CNI do?',
    blurb: 'How a pod gets a real VPC IP from an ENI, and why a node runs out of them.',
  },
  {
    id: 'egress',
    question: 'What happens when a pod calls the internet?',
    blurb: 'veth, routing, SNAT, the ENI, route tables and the internet or NAT gateway.',
  },
]

function resumeStep(s: Scenario, data: ProgressData): number {
  const done = new Set(data.scenarios[s.id]?.steps ?? [])
  const i = s.steps.findIndex((st) => !done.has(st.id))
  return i === -1 ? 1 : i + 1
}

function ScenarioCard({ scenario, data }: { scenario: Scenario; data: ProgressData }) {
  const total = scenario.steps.length
  const done = stepsDone(
    data,
    scenario.id,
    scenario.steps.map((s) => s.id),
  )
  const completed = data.scenarios[scenario.id]?.completed ?? false
  const step = resumeStep(scenario, data)
  const label = completed ? 'Review' : done === 0 ? 'Start' : `Resume at step ${step}`
  return (
    <article className="scenario-card" data-testid={`home.scenario.${scenario.id}`}>
      <h3>{scenario.title}</h3>
      <p>{scenario.summary}</p>
      <p className="scenario-meta">
        <span>{scenario.minutes} min</span>
        <span data-testid={`home.progress.${scenario.id}`}>
          {completed ? `Completed · ${done} of ${total} steps` : `${done} of ${total} steps`}
        </span>
      </p>
      <progress
        max={total}
        value={done}
        aria-label={`${scenario.title}: ${done} of ${total} steps`}
      />
      <p>
        <Link
          className="button-link"
          to={`/learn/${scenario.id}/${completed ? 1 : step}`}
          aria-label={`${label}: ${scenario.title}`}
        >
          {label}
        </Link>
      </p>
    </article>
  )
}

export default function HomePage() {
  useTitle('')
  const data = useProgress((s) => s.data)
  const notice = useProgress((s) => s.notice)
  const fileRef = useRef<HTMLInputElement>(null)
  const [importError, setImportError] = useState<string | null>(null)
  const start = SCENARIOS.filter((s) => s.topic === 'start')

  function exportProgress() {
    const blob = new Blob([progressStore().getState().exportJson()], { type: 'application/json' })
    const url = URL.createObjectURL(blob)
    const a = document.createElement('a')
    a.href = url
    a.download = 'cutaway-progress.json'
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }

  async function importProgress(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (!file) return
    if (file.size > 1_000_000) {
      setImportError('That file is too large to be a Cutaway progress export.')
      return
    }
    setImportError(
      progressStore()
        .getState()
        .importJson(await file.text()),
    )
  }

  return (
    <main className="page home" id="main">
      {notice && (
        <div className={`notice ${notice.tone}`} role={notice.tone === 'warn' ? 'alert' : 'status'}>
          <p>{notice.text}</p>
          <button type="button" onClick={() => progressStore().getState().dismissNotice()}>
            Dismiss
          </button>
        </div>
      )}
      <h1>Cutaway</h1>
      <p className="lead">
        A see-through Amazon EKS cluster in your browser: the log files on the node, the Secret
        bytes in etcd, the iptables rules, and every hop of a packet.
      </p>

      <section aria-labelledby="start-here">
        <h2 id="start-here">Start here</h2>
        <div className="scenario-grid">
          {start.map((s) => (
            <ScenarioCard key={s.id} scenario={s} data={data} />
          ))}
          <article className="scenario-card sandbox-card">
            <h3>Sandbox</h3>
            <p>
              A fresh cluster and a console: kubectl, the AWS CLI, and ssh to the nodes. No steps,
              no goals.
            </p>
            <p>
              <Link className="button-link" to="/sandbox">
                Open the sandbox
              </Link>
            </p>
          </article>
        </div>
      </section>

      <section aria-labelledby="questions">
        <h2 id="questions">The questions Cutaway answers</h2>
        <ol className="topics">
          {TOPICS.map((t) => {
            const list = SCENARIOS.filter((s) => s.topic === t.id)
            return (
              <li key={t.id} className="topic" data-testid={`home.topic.${t.id}`}>
                <h3>{t.question}</h3>
                <p className="dim">{t.blurb.replaceAll('`', '')}</p>
                {list.length ? (
                  list.map((s) => <ScenarioCard key={s.id} scenario={s} data={data} />)
                ) : (
                  <p className="soon">
                    Guided lesson coming soon; explore it in the sandbox meanwhile.
                  </p>
                )}
              </li>
            )
          })}
        </ol>
      </section>

      <section aria-labelledby="your-progress" className="progress-tools">
        <h2 id="your-progress">Your progress</h2>
        <p className="dim">
          Progress stays in this browser. Export it to move it to another device or browser.
        </p>
        <div className="help-buttons">
          <button type="button" onClick={exportProgress} data-testid="home.export">
            Export progress
          </button>
          <button type="button" onClick={() => fileRef.current?.click()} data-testid="home.import">
            Import progress…
          </button>
          <input
            ref={fileRef}
            type="file"
            accept="application/json,.json"
            className="sr-only"
            tabIndex={-1}
            aria-label="Progress file to import"
            onChange={importProgress}
            data-testid="home.import-file"
          />
        </div>
        {importError && (
          <p className="lesson-error" role="alert">
            {importError}
          </p>
        )}
      </section>
    </main>
  )
}
