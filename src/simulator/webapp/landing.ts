/**
 * The simulator's root page: the web app's HTML entry (it references `/assets/index-<hash>.js` like the real one)
 * and, for humans, a short landing page with the demo credentials and links.
 * @module
 */

/** A link shown on the landing page. */
export interface LandingLink {
  href: string;
  title: string;
  note?: string;
}

/** Inputs of {@link renderLandingPage}. */
export interface LandingInput {
  indexName: string;
  build: number;
  assetCount: number;
  /** Demo credentials, or `null` when the demo account is not served. */
  demo: { email: string; password: string } | null;
  links: LandingLink[];
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Renders the HTML of `/`. */
export function renderLandingPage(p: LandingInput): string {
  const links = [
    ...p.links,
    {
      href: '/v1/system/version',
      title: 'GET /v1/system/version',
      note: 'REST API (JSON); most routes need a bearer token',
    },
    {
      href: `/assets/${p.indexName}`,
      title: `/assets/${p.indexName}`,
      note: 'the synthetic web app bundle the SDK catalog parses',
    },
  ];
  const demo = p.demo
    ? `<h2>Demo account</h2>\n<table><tr><th>E-mail</th><td><code>${esc(p.demo.email)}</code></td></tr>` +
      `<tr><th>Password</th><td><code>${esc(p.demo.password)}</code></td></tr></table>\n` +
      `<p>Object 1201 "Demo house" with a pellet boiler (<code>DEMO0A1B2C</code>, deviceMenu 0) and a mixing circuit (<code>DEMO0D3E4F</code>, deviceMenu 153).</p>\n`
    : '<p>The demo account is disabled on this simulator.</p>\n';
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>BragerOne simulator</title>\n' +
    `<script type="module" crossorigin src="/assets/${p.indexName}"></script>\n` +
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}' +
    'code{background:#f2f2f2;padding:0 .25em;border-radius:3px}th{text-align:left;padding-right:1em}li{margin:.25em 0}' +
    '.muted{color:#666;font-size:.9em}</style>\n</head>\n<body>\n<div id="app"></div>\n<main>\n' +
    '<h1>BragerOne cloud simulator</h1>\n' +
    '<p>This is a local stand-in for the BragerOne heating-controller cloud, started by the <code>bragerone</code> SDK ' +
    '(<code>bragerone/simulator</code>). It speaks the REST API under <code>/v1</code>, Socket.IO at <code>/socket.io</code> ' +
    '(namespace <code>/ws</code>) and serves a synthetic build of the web app whose assets the SDK reads to learn ' +
    'parameter names, units and menus. Nothing here talks to the real cloud.</p>\n' +
    demo +
    '<h2>Links</h2>\n<ul>\n' +
    links
      .map(
        (l) =>
          `<li><a href="${esc(l.href)}">${esc(l.title)}</a>${l.note ? ` <span class="muted">— ${esc(l.note)}</span>` : ''}</li>`,
      )
      .join('\n') +
    '\n</ul>\n' +
    `<p class="muted">Web app build ${p.build}: ${p.assetCount} assets, index <code>${esc(p.indexName)}</code>.</p>\n` +
    '</main>\n</body></html>\n'
  );
}
