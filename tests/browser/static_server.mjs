// A static server for a built site on the loopback address, for the
// browser scripts (tests/browser/theme.mjs, bench/screenshots.mjs,
// bench/page_weight.mjs): `/x/` serves `x/index.html`, a missing file
// gets the site's 404.html (or an empty body) with status 404.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".xml": "application/xml",
};

// Serves `root` on a free port; `onServed(url, bytes)` is told of every
// file served. Resolves to the server and its base address (`http://127.0.0.1:PORT/`).
export async function serveSite(root, onServed = () => {}) {
  const server = http.createServer((req, res) => {
    let file = path.join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (file.endsWith("/")) file = path.join(file, "index.html");
    fs.readFile(file, (err, bytes) => {
      if (err) {
        const notFound = path.join(root, "404.html");
        res.writeHead(404, { "content-type": types[".html"] });
        res.end(fs.existsSync(notFound) ? fs.readFileSync(notFound) : "");
        return;
      }
      onServed(req.url, bytes);
      res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
      res.end(bytes);
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return { server, base: `http://127.0.0.1:${server.address().port}/` };
}
