import { lazy, Suspense } from 'react'
import { createBrowserRouter, Link, Outlet, RouterProvider } from 'react-router'

// Routes, each its own chunk so `/` loads only what it shows (DESIGN.md "Routes").
const HomePage = lazy(() => import('./pages/HomePage.tsx'))
const LearnPage = lazy(() => import('./pages/LearnPage.tsx'))
const SandboxPage = lazy(() => import('./pages/SandboxPage.tsx'))
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.tsx'))

function Shell() {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          Cutaway
        </Link>
        <nav aria-label="Main">
          <Link to="/">Lessons</Link>
          <Link to="/sandbox">Sandbox</Link>
        </nav>
      </header>
      <Suspense fallback={<p className="loading">Loading…</p>}>
        <Outlet />
      </Suspense>
    </div>
  )
}

const router = createBrowserRouter([
  {
    element: <Shell />,
    children: [
      { path: '/', element: <HomePage /> },
      { path: '/learn/:scenario/:step?', element: <LearnPage /> },
      { path: '/sandbox', element: <SandboxPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
])

export function App() {
  return <RouterProvider router={router} />
}
