import { Link } from 'react-router'
import { useTitle } from '../hooks/useTitle.ts'

// Placeholder home: topics and scenarios with progress come with the scenario player.
export default function HomePage() {
  useTitle('')
  return (
    <main className="page" id="main">
      <h1>Cutaway</h1>
      <p className="lead">A see-through Amazon EKS cluster, simulated in your browser.</p>
      <p>
        <Link to="/sandbox">Open the sandbox</Link>
      </p>
    </main>
  )
}
