/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'

// Deploying under a sub-path (GitHub Pages serves https://<user>.github.io/<repo>/): set
// CUTAWAY_BASE=/<repo>/ at build time. Routes, assets, the service worker and the manifest follow it.
function basePath(): string {
  const raw = process.env.CUTAWAY_BASE?.trim() || '/'
  const withLead = raw.startsWith('/') ? raw : `/${raw}`
  return withLead.endsWith('/') ? withLead : `${withLead}/`
}
const BASE = basePath()

// The Content-Security-Policy of the built site, as a <meta> tag so it also holds on static hosts
// that cannot set headers (GitHub Pages). Only our own scripts run: no inline script, no eval.
// 'unsafe-inline' styles: React writes `style` properties for layout (CSSOM, not markup), and the
// map's SVG sets a few; no HTML from data ever reaches the DOM, so style injection has no payload.
// frame-ancestors cannot be set from <meta> (the spec ignores it there): embedding stays open, as the
// embed feature wants; a host that sends headers may add its own.
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ')

/** Adds the CSP to the built index.html only: the dev server injects inline scripts (React refresh). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'cutaway-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
        injectTo: 'head-prepend',
      },
    ],
  }
}

export default defineConfig({
  base: BASE,
  plugins: [
    react(),
    contentSecurityPolicy(),
    VitePWA({
      // a new version waits until the reader agrees (a notice with a Reload button): reloading
      // under an instructor mid-talk would lose the class's place
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'icons/*.png', 'embed-host.js'],
      manifest: {
        name: 'Cutaway: a see-through EKS cluster',
        short_name: 'Cutaway',
        description: 'A see-through Amazon EKS cluster in your browser.',
        theme_color: '#0f1720',
        background_color: '#0f1720',
        display: 'standalone',
        start_url: BASE,
        scope: BASE,
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icons/icon-512-maskable.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // every chunk is precached, so every route and every scenario works offline after one visit
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: `${BASE}index.html`,
        cleanupOutdatedCaches: true,
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  server: { host: '127.0.0.1', port: 5173 },
  build: {
    reportCompressedSize: true,
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      output: {
        // vendor code changes rarely: separate chunks stay cached across our releases
        codeSplitting: {
          groups: [
            // the framework every route needs; engine-side libraries stay with the routes that use them
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|scheduler|zustand|use-sync-external-store)[\\/]/,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    testTimeout: 20_000,
  },
})
