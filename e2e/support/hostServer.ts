import { createServer, type Server } from 'node:http'

// A documentation page on another origin (another local port) that embeds Cutaway, for the embed
// API tests. `window.received` collects the embed's messages; `window.send(cmd)` posts a command.

export function hostPage(appOrigin: string, embedQuery: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Docs host</title></head>
<body>
<h1>Docs page</h1>
<iframe id="cutaway" src="${appOrigin}/embed/tour?${embedQuery}" title="Cutaway lesson" style="width:100%;height:240px;border:0"></iframe>
<script src="${appOrigin}/embed-host.js"></script>
<script>
  window.received = []
  window.addEventListener('message', function (e) {
    if (e.data && e.data.cutaway === 'cutaway-embed') window.received.push({ origin: e.origin, data: e.data })
  })
  window.send = function (msg) {
    document.getElementById('cutaway').contentWindow.postMessage(msg, '*')
  }
</script>
</body></html>`
}

/** Serves `html()` at / on 127.0.0.1:port until closed. */
export async function serveHost(port: number, html: () => string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html())
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return server
}
