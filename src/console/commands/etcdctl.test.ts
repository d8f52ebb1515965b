import { describe, expect, it } from 'vitest'
import { createSimulation } from '../../engine/index.ts'
import { Console } from '../session.ts'
import { transcript } from '../__tests__/helpers.ts'
import { goQuote } from './etcdctl.ts'
import { hexdumpCanonical, hexdumpDefault, odChars, xxdDump } from './hexdump.ts'
import { byteLines, pipedBytes } from '../bytes.ts'

const SECRET = `kubectl apply -f - <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  password: czNjcjN0
EOF`

function session(kubernetesVersion?: string) {
  return new Console(
    createSimulation({ seed: 7, ...(kubernetesVersion ? { config: { kubernetesVersion } } : {}) }),
    { settleAfterCommands: true },
  )
}

const bytes = (s: string) => Array.from(s, (c) => c.charCodeAt(0))

describe('etcdctl get (golden transcripts)', () => {
  it('an unencrypted cluster (1.27): the Secret as protobuf, in every output format', async () => {
    const c = session('1.27')
    const t = transcript(c, [
      SECRET,
      'etcdctl get /registry/secrets/default/db | hexdump -C',
      'etcdctl get /registry/secrets/default/db -w json',
      'etcdctl get /registry/secrets/default/db -w fields',
      'etcdctl get /registry/namespaces --prefix --keys-only',
      'etcdctl get /registry/namespaces/ --prefix --keys-only --limit 2 -w json',
      'etcdctl get /registry/secrets/default/db --print-value-only | xxd',
      'etcdctl get /registry/secrets/default/db --print-value-only | od -c',
      'etcdctl get',
    ])
    await expect(t).toMatchFileSnapshot('./__golden__/etcdctl-unencrypted.txt')
    // Secret.data holds the raw bytes (`12 06 73 33 63 72 33 74`), not base64. (The base64 text is
    // still there, in kubectl apply's last-applied-configuration annotation: as on a real cluster.)
    expect(t).toContain(
      '00000140  12 06 73 33 63 72 33 74  1a 06 4f 70 61 71 75 65  |..s3cr3t..Opaque|',
    )
  })

  it('an EKS 1.28+ cluster: k8s:enc:kms:v2 then ciphertext', async () => {
    const c = session()
    const t = transcript(c, [SECRET, 'etcdctl get /registry/secrets/default/db | hexdump -C'])
    await expect(t).toMatchFileSnapshot('./__golden__/etcdctl-encrypted.txt')
    expect(t).toContain('|s/default/db.k8s|')
    expect(t).toContain('|:enc:kms:v2:aws-|')
    expect(t).not.toContain('s3cr3t')
  })

  it('prints the x-ray note once, on stderr: not down the pipe', () => {
    const c = session('1.27')
    const r = c.run('etcdctl get /registry/namespaces/default | hexdump -C')
    const notes = r.lines.filter((l) =>
      l.text.startsWith('x-ray: on Amazon EKS nobody can reach etcd'),
    )
    expect(notes).toHaveLength(1)
    expect(r.lines[1]!.text).toBe(
      '00000000  2f 72 65 67 69 73 74 72  79 2f 6e 61 6d 65 73 70  |/registry/namesp|',
    )
    const alone = c.run('etcdctl get /registry/namespaces/default --print-value-only')
    expect(alone.lines[0]!.stderr).toBe(true)
    // what the terminal shows: no NUL or other control bytes, U+FFFD for invalid UTF-8
    expect(alone.lines[1]!.text).toBe('k8s')
    expect(alone.lines.some((l) => Array.from(l.text).some((ch) => ch.charCodeAt(0) < 9))).toBe(
      false,
    )
  })
})

describe('turning on Secrets encryption on a 1.27 cluster, as the AWS docs describe', () => {
  it('associate-encryption-config, then kubectl replace re-encrypts existing Secrets', () => {
    const c = session('1.27')
    c.run(SECRET)
    const arn = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
    const associate = `aws eks associate-encryption-config --cluster-name demo --encryption-config '[{"resources":["secrets"],"provider":{"keyArn":"${arn}"}}]'`
    const assoc = c.run(associate)
    expect(assoc.exitCode).toBe(0)
    const update = JSON.parse(assoc.lines.map((l) => l.text).join('\n')).update
    expect(update).toMatchObject({
      status: 'InProgress',
      type: 'AssociateEncryptionConfig',
      errors: [],
    })
    expect(JSON.parse(update.params[0].value)).toEqual([
      { resources: ['secrets'], provider: { keyArn: arn } },
    ])
    const described = c.run('aws eks describe-cluster --name demo --query cluster.encryptionConfig')
    expect(JSON.parse(described.lines.map((l) => l.text).join('\n'))).toEqual([
      { resources: ['secrets'], provider: { keyArn: arn } },
    ])
    const head = () =>
      c
        .run('etcdctl get /registry/secrets/default/db --print-value-only | hexdump -C')
        .lines.find((l) => l.text.startsWith('00000000'))!.text
    // not rewritten yet: still plain protobuf
    expect(head()).toContain('|k8s.')
    expect(c.run('kubectl get secrets -A -o json | kubectl replace -f -').lines.at(-1)!.text).toBe(
      'secret/db replaced',
    )
    expect(head()).toContain('|k8s:enc:kms:v2:a')
    // a second association is refused
    expect(c.run(associate).exitCode).not.toBe(0)
  })
})

describe('byte viewers', () => {
  const data = [...bytes('/registry/secrets/default/db\nk8s\0'), 0xff, 0x0a]

  it('hexdump -C: util-linux canonical format, partial last line aligned, length line', () => {
    expect(hexdumpCanonical(data)).toEqual([
      '00000000  2f 72 65 67 69 73 74 72  79 2f 73 65 63 72 65 74  |/registry/secret|',
      '00000010  73 2f 64 65 66 61 75 6c  74 2f 64 62 0a 6b 38 73  |s/default/db.k8s|',
      '00000020  00 ff 0a                                          |...|',
      '00000023',
    ])
    expect(hexdumpCanonical([])).toEqual([])
  })

  it('hexdump -C squeezes repeated lines into *', () => {
    expect(hexdumpCanonical(new Array<number>(48).fill(0).concat([1]))).toEqual([
      '00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
      '*',
      '00000030  01                                                |.|',
      '00000031',
    ]) // -v: no squeezing
    expect(hexdumpCanonical(new Array<number>(32).fill(0), false)).toEqual([
      '00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
      '00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
      '00000020',
    ])
  })

  it('hexdump: 16-bit little-endian words', () => {
    expect(hexdumpDefault(bytes('k8s\0abc'))).toEqual([
      '0000000 386b 0073 6261 0063                    ',
      '0000007',
    ])
  })

  it('hexdump errors as util-linux prints them', () => {
    const c = session('1.27')
    expect(c.run('echo | hexdump -Q').lines.map((l) => l.text)).toEqual([
      "hexdump: invalid option -- 'Q'",
      "Try 'hexdump --help' for more information.",
    ])
    expect(c.run('hexdump nofile').lines.map((l) => l.text)).toEqual([
      'hexdump: nofile: No such file or directory',
      'hexdump: all input file arguments failed',
    ])
  })

  it('xxd and od -c', () => {
    expect(xxdDump(bytes('k8s\0v1\nSecret'))).toEqual([
      '00000000: 6b38 7300 7631 0a53 6563 7265 74         k8s.v1.Secret',
    ])
    expect(odChars([...bytes('k8s\0\n'), 0xc3])).toEqual([
      '0000000   k   8   s  \\0  \\n 303',
      '0000006',
    ])
  })

  it('binary output keeps its exact bytes through a pipe', () => {
    const raw = [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0c, 0xff, 0x0a, 0x41]
    const lines = byteLines(raw)
    expect(lines.map((l) => l.text)).toEqual(['k8s', '\f'.replace('\f', '') + '\ufffd', 'A'])
    expect(pipedBytes(lines)).toBe(String.fromCharCode(...raw, 0x0a))
  })

  it("goQuote is Go's %q", () => {
    expect(goQuote(bytes('k8s\0\n"\\'))).toBe('"k8s\\x00\\n\\"\\\\"')
    expect(goQuote([0xff, 0xc3, 0xa9, 0x7f])).toBe('"\\xffé\\x7f"')
  })

  it("goQuote escapes what Go's unicode.IsPrint rejects (pinned against a real etcdctl -w fields)", () => {
    const utf8 = (s: string) => Array.from(new TextEncoder().encode(s))
    // U+00A0, U+00AD, U+200B, U+2028, U+FEFF, private use, unassigned; letters and emoji print
    expect(goQuote(utf8('a\u00a0\u00ad\u200b\u2028\ufeff\ue000\u{10ffff}\u0f24\u{1f551}'))).toBe(
      '"a\\u00a0\\u00ad\\u200b\\u2028\\ufeff\\ue000\\U0010ffff\u0f24\u{1f551}"',
    )
    // 0xf8–0xff never start a UTF-8 sequence: each byte is escaped on its own
    expect(goQuote([0xfc, 0xb8, 0x95, 0xfd, 0x8f, 0x9c])).toBe('"\\xfc\\xb8\\x95\\xfd\\x8f\\x9c"')
  })

  it('etcdctl get errors: wording and exit codes of etcdctl v3.5 (get_command.go, printer.go)', () => {
    const c = session('1.27')
    const run = (cmd: string) => {
      const r = c.run(cmd)
      return [r.exitCode, r.lines.filter((l) => !l.text.startsWith('x-ray')).map((l) => l.text)]
    }
    expect(run('etcdctl get')).toEqual([
      128,
      ['Error: get command needs one argument as key and an optional argument as range_end'],
    ])
    expect(run('etcdctl get /registry/a /registry/b --prefix')).toEqual([
      128,
      [
        'Error: too many arguments, only accept one argument when `--prefix` or `--from-key` is set',
      ],
    ])
    expect(run('etcdctl get /registry/a -w table')).toEqual([
      4,
      ['Error: table not supported as output format'],
    ])
    expect(run('etcdctl get /registry/a -w yaml')).toEqual([
      4,
      ['Error: unsupported output format'],
    ])
    expect(run('etcdctl get /registry/a --print-value-only -w json')).toEqual([
      128,
      ['Error: print-value-only is only for `--write-out=simple`'],
    ])
    // a third argument is ignored, as getGetOp does
    expect(
      run('etcdctl get /registry/namespaces/default /registry/namespaces/kube-public x'),
    ).toEqual([
      0,
      expect.arrayContaining([
        '/registry/namespaces/default',
        '/registry/namespaces/kube-node-lease',
      ]),
    ])
  })
})
