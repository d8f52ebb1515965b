import { lazy, Suspense } from 'react'
import { createBrowserRouter, Link, Outlet, RouterProvider } from 'react-router'
import { UpdateNotice } from './pwa/UpdateNotice.tsx'

// Routes, each its own chunk so `/` loads only what it shows (DESIGN.md "Routes").
const HomePage = lazy(() => import('./pages/HomePage.tsx'))
const LearnPage = lazy(() => import('./pages/LearnPage.tsx'))
const SandboxPage = lazy(() => import('./pages/SandboxPage.tsx'))
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.tsx'))
// instructors and docs authors (issue 8): no site chrome except the docs and print pages
const PresentPage = lazy(() => import('./present/PresentPage.tsx'))
const NotesPage = lazy(() => import('./present/NotesPage.tsx'))
const EmbedPage = lazy(() => import('./embed/EmbedPage.tsx'))
const EmbedDocsPage = lazy(() => import('./pages/EmbedDocsPage.tsx'))
const PrintPage = lazy(() => import('./print/PrintPage.tsx'))

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
          <Link to="/docs/embed">Embed</Link>
        </nav>
      </header>
      <Suspense fallback={<p className="loading">Loading…</p>}>
        <Outlet />
      </Suspense>
    </div>
  )
}

/** Presenter, notes and embed: the page is the lesson, with nothing around it. */
function Bare() {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <Outlet />
    </Suspense>
  )
}

function Root() {
  return (
    <>
      <Outlet />
      <UpdateNotice />
    </>
  )
}

// import.meta.env.BASE_URL is the deploy base (CUTAWAY_BASE, vite.config.ts): '/' or '/cutaway/'
const basename = import.meta.env.BASE_URL.replace(/\/$/, '') || '/'

const router = createBrowserRouter(
  [
    {
      element: <Root />,
      children: [
        {
          element: <Shell />,
          children: [
            { path: '/', element: <HomePage /> },
            { path: '/learn/:scenario/:step?', element: <LearnPage /> },
            { path: '/sandbox', element: <SandboxPage /> },
            { path: '/docs/embed', element: <EmbedDocsPage /> },
            { path: '/print/:scenario', element: <PrintPage /> },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
        {
          element: <Bare />,
          children: [
            { path: '/present/:scenario/:step?', element: <PresentPage /> },
            { path: '/notes/:scenario', element: <NotesPage /> },
            { path: '/embed/:scenario', element: <EmbedPage /> },
          ],
        },
      ],
    },
  ],
  { basename },
)

export function App() {
  return <RouterProvider router={router} />
}
