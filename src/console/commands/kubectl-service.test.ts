import { describe, expect, it } from 'vitest'
import { session, text } from '../__tests__/helpers.ts'

// Services as the API server allocates and validates them, through kubectl's generators.
describe('kubectl create service', () => {
  it('allocates NodePorts from 30000-32767 and refuses one already taken or out of range', () => {
    const c = session(7)
    expect(text(c, 'kubectl create service nodeport web --tcp=80:8080 --node-port=30080')).toBe(
      'service/web created',
    )
    const before = c.sim.state
    expect(text(c, 'kubectl create service nodeport api --tcp=80:80 --node-port=30080')).toBe(
      'error: failed to create NodePort service: Service "api" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    )
    expect(text(c, 'kubectl create service nodeport big --tcp=80 --node-port=40000')).toBe(
      'error: failed to create NodePort service: Service "big" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767',
    )
    expect(c.sim.state).toBe(before)
    expect(text(c, 'kubectl create service nodeport auto --tcp=80')).toBe('service/auto created')
    const auto = text(c, 'kubectl get svc auto -o jsonpath={.spec.ports[0].nodePort}')
    expect(Number(auto)).toBeGreaterThanOrEqual(30000)
    expect(Number(auto)).toBeLessThanOrEqual(32767)
    expect(Number(auto)).not.toBe(30080)
    // kubectl names the port after the --tcp value with ':' replaced by '-'
    expect(text(c, 'kubectl get svc auto -o jsonpath={.spec.ports[0].name}')).toBe('80')
    expect(text(c, 'kubectl get svc web -o jsonpath={.spec.ports[0].name}')).toBe('80-8080')
  })

  it('frees a NodePort when its Service is deleted', () => {
    const c = session(7)
    c.run('kubectl create service nodeport web --tcp=80 --node-port=30080')
    c.run('kubectl delete service web')
    expect(text(c, 'kubectl create service nodeport api --tcp=80 --node-port=30080')).toBe(
      'service/api created',
    )
  })

  it('leaves a LoadBalancer <pending>: no cloud load balancer in this simulation', () => {
    const c = session(7)
    c.run('kubectl create service loadbalancer lb --tcp=80:8080')
    const row = text(c, 'kubectl get svc lb').split('\n')[1]!
    expect(row).toMatch(/^lb\s+LoadBalancer\s+10\.100\.\d+\.\d+\s+<pending>\s+80:3\d{4}\/TCP/)
  })

  it('defaults sessionAffinityConfig for ClientIP and validates the timeout', () => {
    const c = session(7)
    const apply = (extra: string) =>
      text(
        c,
        `kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: sticky
spec:
  selector:
    app: web
  ports:
  - port: 80
${extra}
EOF`,
      )
    expect(apply('  sessionAffinity: ClientIP')).toBe('service/sticky created')
    expect(
      text(
        c,
        'kubectl get svc sticky -o jsonpath={.spec.sessionAffinityConfig.clientIP.timeoutSeconds}',
      ),
    ).toBe('10800')
    c.run('kubectl delete svc sticky')
    expect(
      apply(
        '  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 0',
      ),
    ).toBe(
      'The Service "sticky" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400',
    )
  })
})
