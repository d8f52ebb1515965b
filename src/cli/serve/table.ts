import type { ClusterState, KObject, ResourceInfo } from '../../engine/index.ts'
import { PRINTERS } from '../../console/printers.ts'

// Server-side printing: the apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
// with a meta.k8s.io/v1 Table whose cells kubectl prints as they are (staging/src/k8s.io/apimachinery/
// pkg/apis/meta/v1/types.go, Table). Cells come from the console's printers, so real kubectl and our
// console show the same columns; wide-only columns get priority 1, which kubectl shows with -o wide.

export type IncludeObject = 'None' | 'Metadata' | 'Object'

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept)
}

function columnDefinitions(r: ResourceInfo) {
  const printer = PRINTERS[r.resource]
  const cols = printer ? printer.columns : [{ name: 'NAME' }, { name: 'AGE' }]
  return cols.map((c, i) => ({
    name: c.name,
    type: 'string',
    format: i === 0 ? 'name' : '',
    description: '',
    priority: c.wide ? 1 : 0,
  }))
}

function rowObject(obj: KObject, include: IncludeObject) {
  if (include === 'None') return undefined
  if (include === 'Object') return obj
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata }
}

export function tableRows(
  state: ClusterState,
  r: ResourceInfo,
  objs: readonly KObject[],
  include: IncludeObject,
) {
  const printer = PRINTERS[r.resource]
  return objs.map((o) => {
    const cells = printer ? printer.row(o, state.now, state) : [o.metadata.name, '']
    const object = rowObject(o, include)
    return { cells, ...(object ? { object } : {}) }
  })
}

export function toTable(
  state: ClusterState,
  r: ResourceInfo,
  objs: readonly KObject[],
  include: IncludeObject,
  resourceVersion: string,
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columnDefinitions(r),
    rows: tableRows(state, r, objs, include),
  }
}
