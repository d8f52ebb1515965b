import type { PolicyRule, RequestAttributes } from '../../engine/index.ts'
import {
  authorize,
  lookupResource,
  rfc3339,
  rulesFor,
  selfSubjectReview,
} from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { fail, out } from '../types.ts'
import { bool, str } from '../flags.ts'
import { ALL_NAMESPACES_FLAG, namespaceOf, withGlobals } from './kubectlFlags.ts'
import { requestUser } from '../kubectl/access.ts'
import { policyRuleRows } from '../format/rbac.ts'
import { formatTable } from '../format/table.ts'
import { toYaml } from '../format/yaml.ts'

// kubectl auth can-i and kubectl auth whoami (k8s.io/kubectl/pkg/cmd/auth/cani.go, whoami.go).
// can-i POSTs a SelfSubjectAccessReview (or, with --list, a SelfSubjectRulesReview) as the requesting
// user; whoami POSTs a SelfSubjectReview. Every authenticated user may create these
// (ClusterRole system:basic-user), so a learner can always ask what they, or whoever they
// impersonate with --as, may do.

const warn = (text: string): OutputLine => ({ text: `Warning: ${text}`, tone: 'warn' })
/** A warning whose message ends in "\n": the printer's own newline leaves a blank line after it. */
const warnBlock = (text: string): OutputLine[] => [warn(text), { text: '', tone: 'warn' }]

// cani.go resourceVerbs / nonResourceURLVerbs: anything else gets a warning, not an error
const RESOURCE_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'use',
  'bind',
  'impersonate',
  '*',
  // known to kubectl v1.32 too (no warning from the real binary)
  'approve',
  'sign',
  'escalate',
  'attest',
]
const NON_RESOURCE_VERBS = ['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*']

/** The webhook authorizer (EKS access policies) cannot list rules (apiserver webhook.go RulesFor). */
const WEBHOOK_RULES_ERROR = 'webhook authorizer does not support user rule resolution'

function canIList(noHeaders: boolean, rules: PolicyRule[], errors: string[]): OutputLine[] {
  const all = [...errors, WEBHOOK_RULES_ERROR]
  // the union rule resolver aggregates every authorizer's error; the webhook always reports one
  const evaluationError = all.length === 1 ? all[0] : `[${all.join(', ')}]`
  const lines: OutputLine[] = [warn(`the list may be incomplete: ${evaluationError}`)]
  const rows = policyRuleRows(rules).map((r) => r.split('\t'))
  const header = ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']
  lines.push(...formatTable(noHeaders ? rows : [header, ...rows]).map(out))
  return lines
}

export const kubectlAuthCanI: CommandSpec = {
  path: ['kubectl', 'auth', 'can-i'],
  modes: ['local'],
  summary: 'Check whether an action is allowed',
  usage: 'kubectl auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL]',
  args: ['none', 'resource'],
  flags: withGlobals([
    {
      ...ALL_NAMESPACES_FLAG,
      description: 'If true, check the specified action in all namespaces.',
    },
    {
      name: 'list',
      type: 'bool',
      description: 'If true, prints all allowed actions.',
    },
    {
      name: 'no-headers',
      type: 'bool',
      description: 'If true, prints allowed actions without headers',
    },
    {
      name: 'quiet',
      short: 'q',
      type: 'bool',
      description: 'If true, suppress output and just return the exit code.',
    },
    {
      name: 'subresource',
      type: 'string',
      description: 'SubResource such as pod/log or deployment/scale',
    },
  ]),
  run(inv, env) {
    const state = env.sim.state
    const user = requestUser(state, inv)
    if (Array.isArray(user)) return { lines: user, exitCode: 1 }
    const allNs = bool(inv.flags, 'all-namespaces')
    const namespace = allNs ? '' : namespaceOf(inv.flags)
    const quiet = bool(inv.flags, 'quiet')
    const subresource = str(inv.flags, 'subresource') ?? ''

    if (bool(inv.flags, 'list')) {
      // cani.go Complete/Validate: wording as kubectl v1.32 prints it (checked against the binary)
      if (inv.args.length) return fail(['error: list option must be specified with no arguments'])
      if (quiet || allNs || subresource)
        return fail([
          "error: list option can't be specified with neither quiet, all-namespaces nor subresource options",
        ])
      const { rules, errors } = rulesFor(state, user, namespace)
      return { lines: canIList(bool(inv.flags, 'no-headers'), rules, errors), exitCode: 0 }
    }
    if (inv.args.length !== 2)
      return fail([
        'error: you must specify two arguments: verb resource or verb resource/resourceName.',
        "See 'kubectl auth can-i -h' for help and examples.",
      ])
    const [verb, target] = inv.args as [string, string]
    if (target.startsWith('/') && subresource)
      return fail(['error: --subresource can not be used with NonResourceURL'])
    if (bool(inv.flags, 'no-headers'))
      return fail(['error: --no-headers cannot be set without --list specified'])
    const warnings: OutputLine[] = []
    let attrs: RequestAttributes
    if (target.startsWith('/')) {
      if (!NON_RESOURCE_VERBS.includes(verb))
        warnings.push(...warnBlock(`verb '${verb}' is not a known verb`))
      attrs = { user, verb, path: target }
    } else {
      const slash = target.indexOf('/')
      const typed = (slash >= 0 ? target.slice(0, slash) : target).toLowerCase()
      const name = slash >= 0 ? target.slice(slash + 1) : ''
      let resource = typed
      let group = ''
      let namespaced = true
      if (typed !== '*') {
        const r = lookupResource(typed)
        if (r) {
          resource = r.resource
          group = r.group
          namespaced = r.namespaced
        } else if (typed !== 'users' && typed !== 'groups') {
          // resourceFor(): unknown types are checked as typed, after a warning
          const dot = typed.indexOf('.')
          warnings.push(
            ...warnBlock(
              dot >= 0
                ? `the server doesn't have a resource type '${typed.slice(0, dot)}' in group '${typed.slice(dot + 1)}'`
                : `the server doesn't have a resource type '${typed}'`,
            ),
          )
          resource = typed
        }
      }
      if (!namespaced && !allNs)
        warnings.push(
          ...warnBlock(
            group
              ? `resource '${resource}' is not namespace scoped in group '${group}'`
              : `resource '${resource}' is not namespace scoped`,
          ),
        )
      // Validate() checks scope and verb only without --all-namespaces
      if (!RESOURCE_VERBS.includes(verb) && !allNs)
        warnings.push(...warnBlock(`verb '${verb}' is not a known verb`))
      // the review carries the namespace as given, even for a cluster-scoped resource (RBAC then also
      // consults that namespace's RoleBindings, as the real API server does)
      attrs = {
        user,
        verb,
        apiGroup: group,
        resource,
        ...(subresource ? { subresource } : {}),
        namespace,
        ...(name ? { name } : {}),
      }
    }
    const d = authorize(state, attrs)
    const answer = d.allowed ? 'yes' : d.reason ? `no - ${d.reason}` : 'no'
    const lines = [...warnings, ...(quiet ? [] : [out(answer)])]
    return { lines, exitCode: d.allowed ? 0 : 1 }
  },
}

export const kubectlAuthWhoami: CommandSpec = {
  path: ['kubectl', 'auth', 'whoami'],
  modes: ['local'],
  summary: 'Experimental: Check self subject attributes',
  usage: 'kubectl auth whoami [-o json|yaml]',
  flags: withGlobals([
    {
      name: 'output',
      short: 'o',
      type: 'string',
      description: 'Output format. One of: (json, yaml).',
      values: ['json', 'yaml'],
    },
  ]),
  run(inv, env) {
    const state = env.sim.state
    const user = requestUser(state, inv)
    if (Array.isArray(user)) return { lines: user, exitCode: 1 }
    const o = str(inv.flags, 'output')
    // -o json keeps the Go struct's field order (kind, apiVersion; username, uid, groups, extra);
    // -o yaml sorts keys. Both checked against kubectl v1.32.
    const review = selfSubjectReview(user, rfc3339(state.now))
    if (o === 'yaml')
      return { lines: toYaml(review).replace(/\n$/, '').split('\n').map(out), exitCode: 0 }
    // a typed object, not an unstructured one: kubectl marshals the struct as it is, no key sorting
    if (o === 'json')
      return { lines: JSON.stringify(review, null, 4).split('\n').map(out), exitCode: 0 }
    if (o !== undefined && o !== '')
      return fail([
        // the PrintFlags list, not just json and yaml (kubectl v1.32; the others are not simulated)
        `error: unable to match a printer suitable for the output format "${o}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`,
      ])
    // whoami.go printTableSelfSubjectAccessReview: Go's %v of a []string is [a b]
    const rows = [
      ['ATTRIBUTE', 'VALUE'],
      ['Username', user.name],
    ]
    if (user.uid) rows.push(['UID', user.uid])
    if (user.groups.length) rows.push(['Groups', `[${user.groups.join(' ')}]`])
    for (const k of Object.keys(user.extra ?? {}).sort())
      rows.push([`Extra: ${k}`, `[${user.extra![k]!.join(' ')}]`])
    return { lines: formatTable(rows).map(out), exitCode: 0 }
  },
}

/** `kubectl auth` alone: cobra prints the group's help (reconcile is not simulated, so not listed). */
export const kubectlAuth: CommandSpec = {
  path: ['kubectl', 'auth'],
  modes: ['local'],
  summary: 'Inspect authorization',
  usage: 'kubectl auth [flags] [options]',
  rawArgs: true,
  run(inv) {
    const sub = inv.args.find((a) => !a.startsWith('-'))
    // kubectl v1.32: the group's help goes to stderr with exit code 1; an unknown subcommand is
    // an error pointing at -h (both checked against the binary)
    if (sub)
      return fail([
        `error: unknown command "${sub}"`,
        "See 'kubectl auth -h' for help and examples",
      ])
    return {
      lines: [
        'Inspect authorization.',
        '',
        'Available Commands:',
        `  can-i         ${kubectlAuthCanI.summary}`,
        `  whoami        ${kubectlAuthWhoami.summary}`,
        '',
        'Usage:',
        '  kubectl auth [flags] [options]',
        '',
        'Use "kubectl auth <command> --help" for more information about a given command.',
        'Use "kubectl options" for a list of global command-line options (applies to all commands).',
      ].map((text) => ({ text, stderr: true })),
      exitCode: 1,
    }
  },
}

export const AUTH_COMMANDS: CommandSpec[] = [kubectlAuth, kubectlAuthCanI, kubectlAuthWhoami]
