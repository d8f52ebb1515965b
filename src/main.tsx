import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './views/App.tsx'
import './views/app.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
