import { RESOURCES } from '../../engine/index.ts'
import { groupVersions } from './discovery.ts'

// A minimal OpenAPI v3 (no schemas). `kubectl create -f` validates by default (--validate=strict):
// it asks /openapi/v3 whether the PATCH operation of the object's kind takes the `fieldValidation`
// query parameter, and if so leaves validation to the server (kubectl/pkg/cmd/util/
// factory_client_access.go Validator, cli-runtime/pkg/resource/query_param_verifier_v3.go). So each
// group-version document lists, per resource, a PATCH with that parameter and its
// x-kubernetes-group-version-kind, and nothing else. Simplification: the server does not reject
// unknown fields, and `kubectl explain`, which needs the schemas, is not supported.

const gvPath = (group: string, version: string) =>
  group ? `apis/${group}/${version}` : `api/${version}`

export function openApiV3Root() {
  const gvs = [{ group: '', version: 'v1' }, ...groupVersions()]
  return {
    paths: Object.fromEntries(
      gvs.map(({ group, version }) => [
        gvPath(group, version),
        { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}` },
      ]),
    ),
  }
}

export function openApiV3Doc(pathAfterV3: string) {
  const rs = RESOURCES.filter((r) => gvPath(r.group, r.version) === pathAfterV3)
  if (!rs.length) return undefined
  const paths: Record<string, unknown> = {}
  for (const r of rs) {
    const base = `/${gvPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}/{name}`
    paths[base] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
        parameters: [
          { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
        ],
        responses: {},
      },
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: {},
  }
}
