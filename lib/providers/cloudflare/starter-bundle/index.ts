// The stack template's static bundle: what deploy_services uploads to the platform's Pages
// project when there is no GitHub repository to build from (a simulated repository
// connection). Kept as a module, not files on disk, so the server bundle always carries it.

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function starterBundle(platform: { name: string; slug: string }): Record<string, string> {
  const name = escapeHtml(platform.name);
  return {
    "/index.html": `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main>
<h1>${name}</h1>
<p>This platform was set up by Onramp. Replace this page by deploying your application.</p>
<p class="slug">${escapeHtml(platform.slug)}</p>
</main>
</body>
</html>
`,
    "/style.css": `body{font-family:system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f8fafc;color:#0f172a}
main{max-width:36rem;padding:2rem}h1{font-size:1.75rem}.slug{color:#64748b;font-family:ui-monospace,monospace}
`,
  };
}
