import { Link } from 'react-router'
import { useTitle } from '../hooks/useTitle.ts'

/** A mistyped scenario in /learn, /present, /notes, /embed or /print: a page that says so, never a blank. */
export function UnknownScenario({ id }: { id: string }) {
  useTitle('Lesson not found')
  return (
    <main className="page narrow" id="main">
      <h1>Lesson not found</h1>
      <p>
        There is no lesson called <code>{id}</code>. The link may be mistyped, or the lesson was
        renamed.
      </p>
      <p>
        <Link to="/">Back to the lessons</Link>
      </p>
    </main>
  )
}
