import { Link, useLocation } from 'react-router'
import { useTitle } from '../hooks/useTitle.ts'

export default function NotFoundPage() {
  useTitle('Page not found')
  const { pathname } = useLocation()
  return (
    <main className="page narrow" id="main">
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{pathname}</code>. Maybe the link was cut short, or the lesson was
        renamed.
      </p>
      <p>
        <Link to="/">Back to the lessons</Link> or <Link to="/sandbox">open a sandbox</Link>.
      </p>
    </main>
  )
}
