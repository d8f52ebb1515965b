import { createInterface } from 'node:readline'
import { createSimulation } from '../engine/index.ts'
import { Console } from '../console/session.ts'
import { renderLine } from './ansi.ts'
import { serveCommand, type ServeControl } from './serve/control.ts'

// `npm run console [-- --seed N]`: the same interpreter as the web terminal, on stdin/stdout.
// Piped input runs line by line and exits 0 at end of input; a TTY gets a prompt, history and Tab.

interface CliArgs {
  seed: number
  nodes?: number
  instanceType?: string
  version?: string
  help: boolean
  serve?: { port: number; kubeconfig?: string }
}

function parseArgs(argv: string[]): CliArgs | string {
  const out: CliArgs = {
    seed: 1,
    help: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const [name, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined]
    const value = () => inline ?? argv[++i]
    if (name === '--seed') {
      const v = Number(value())
      if (!Number.isInteger(v) || v < 0) return `--seed needs a non-negative integer`
      out.seed = v
    } else if (name === '--nodes') {
      const v = Number(value())
      if (!Number.isInteger(v) || v < 1 || v > 100) return `--nodes needs an integer from 1 to 100`
      out.nodes = v
    } else if (name === '--node-type') out.instanceType = value()
    else if (name === '--kubernetes-version') {
      // 1.27 and older: no default envelope encryption, so etcd holds plain protobuf
      const v = value()
      if (!v || !/^1\.\d+$/.test(v)) return `--kubernetes-version needs a version such as 1.32`
      out.version = v
    } else if (name === '--serve') out.serve = { port: 6443, ...out.serve }
    else if (name === '--port') {
      const v = Number(value())
      if (!Number.isInteger(v) || v < 0 || v > 65535) return `--port needs a port number`
      out.serve = { ...(out.serve ?? {}), port: v }
    } else if (name === '--kubeconfig') {
      const v = value()
      if (!v) return `--kubeconfig needs a path`
      out.serve = { port: 6443, ...out.serve, kubeconfig: v }
    } else if (name === '--help' || name === '-h') out.help = true
    else return `unknown option: ${a}`
  }
  return out
}

const args = parseArgs(process.argv.slice(2))
if (typeof args === 'string') {
  process.stderr.write(
    `cutaway console: ${args}\nUsage: npm run console -- [--seed N] [--nodes N] [--node-type t3.medium] [--kubernetes-version 1.32] [--serve [--port 6443] [--kubeconfig PATH]]\n`,
  )
  process.exit(2)
}
if (args.help) {
  process.stdout.write(
    'Usage: npm run console -- [--seed N] [--nodes N] [--node-type t3.medium] [--kubernetes-version 1.32] [--serve [--port 6443] [--kubeconfig PATH]]\nReads commands from stdin (one per line, heredocs allowed) or interactively; type `help` for the commands.\n',
  )
  process.exit(0)
}

// `npm run console | head` closes the pipe early: that is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0)
  throw e
})

const sim = createSimulation({
  seed: args.seed,
  config: {
    ...(args.nodes ? { nodeCount: args.nodes } : {}),
    ...(args.instanceType ? { instanceType: args.instanceType } : {}),
    ...(args.version ? { kubernetesVersion: args.version } : {}),
  },
})
const session = new Console(sim, { settleAfterCommands: true })
const serving: ServeControl = { sim }
const interactive = !!process.stdin.isTTY && !!process.stdout.isTTY
const color = interactive && !process.env.NO_COLOR

const rl = createInterface({
  input: process.stdin,
  output: interactive ? process.stdout : undefined,
  terminal: interactive,
  historySize: 500,
  completer: (line: string) => {
    const words = line.split(/\s+/)
    const last = words[words.length - 1] ?? ''
    return [session.complete(line), last]
  },
})

if (args.serve) {
  const lines = await serveCommand(serving, [
    '--port',
    String(args.serve.port),
    ...(args.serve.kubeconfig ? ['--kubeconfig', args.serve.kubeconfig] : []),
  ])
  for (const l of lines) process.stdout.write(l + '\n')
  if (!serving.server) process.exit(1)
}

if (interactive) {
  process.stdout.write(
    `Cutaway: a see-through EKS cluster (seed ${args.seed}). Type \`help\` for commands, Ctrl+D to quit.\n`,
  )
  rl.setPrompt(session.prompt())
  rl.prompt()
}

let buffer: string | undefined
// Lines run one after another; `serve` is asynchronous (it opens a socket), so later lines wait.
let queue: Promise<void> = Promise.resolve()

rl.on('line', (line) => {
  queue = queue.then(() => handleLine(line))
})

async function handleLine(line: string): Promise<void> {
  const text = buffer === undefined ? line : `${buffer}\n${line}`
  if (session.needsMoreInput(text)) {
    buffer = text
    if (interactive) {
      rl.setPrompt('> ')
      rl.prompt()
    }
    return
  }
  buffer = undefined
  if (!interactive && text.trim()) process.stdout.write(`${session.prompt()}${text}\n`)
  // `serve` / `serve stop` belong to the Node console only (the browser has no sockets)
  if (session.mode.kind === 'local' && /^\s*serve(\s|$)/.test(text)) {
    const lines = await serveCommand(serving, text.trim().split(/\s+/).slice(1))
    for (const l of lines) process.stdout.write(l + '\n')
  } else {
    const result = session.run(text, 'cli')
    if (result.cleared && interactive) process.stdout.write('\x1b[2J\x1b[H')
    for (const l of result.lines) process.stdout.write(renderLine(l, color) + '\n')
  }
  if (interactive) {
    rl.setPrompt(session.prompt())
    rl.prompt()
  }
}

rl.on('close', () => {
  void queue.then(finish)
})

function finish() {
  if (buffer !== undefined) {
    const result = session.run(buffer, 'cli')
    for (const l of result.lines) process.stdout.write(renderLine(l, color) + '\n')
  }
  if (interactive) process.stdout.write('\n')
  // with --serve and piped input, keep serving until Ctrl+C
  if (!serving.server) process.exit(0)
}
