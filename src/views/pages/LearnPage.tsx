import { useTitle } from '../hooks/useTitle.ts'

// Placeholder: the guided-scenario player.
export default function LearnPage() {
  useTitle('Lesson')
  return (
    <main className="page" id="main">
      <h1>Lesson</h1>
    </main>
  )
}
