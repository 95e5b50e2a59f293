// The status page at `/`: the /status document (status-document.ts) as server-rendered HTML. It
// reloads itself (a meta refresh, no script), reads top to bottom on a phone, and uses plain
// semantic HTML (headings, description lists, tables with headers, labelled fields) with text
// that says what colour only hints at. Actions are forms that POST, shown only when the daemon has
// a token, which a person types: the page never holds it (see server.ts for the checks).
import type { DestinationDocument, StatusDocument } from './status-document.js';

export interface PageOptions {
  /** Seconds between reloads; 0: none. */
  refreshSeconds: number;
  /** A line to show on top (what an action did). */
  message?: string;
}

export function renderPage(doc: StatusDocument, options: PageOptions): string {
  const { health } = doc;
  const healthText = !health.checked ? 'Starting: nothing checked yet' : health.destinations === 0 ? 'Unhealthy: no destination to reconcile' : health.unreconciled.length > 0 ? `Not ready: ${health.unreconciled.join(', ')} not reconciled yet` : 'Healthy: every destination reconciled';
  const refresh = options.refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${options.refreshSeconds}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}
<title>octosync status</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>octosync</h1>
<p class="health ${health.checked && health.destinations > 0 && health.unreconciled.length === 0 ? 'good' : 'bad'}" data-field="health" role="status">${esc(healthText)}</p>
${health.problems.length ? `<ul class="problems" aria-label="Problems">${health.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
<p class="meta">Generated at <time datetime="${esc(doc.generatedAt)}">${esc(doc.generatedAt)}</time>. ${options.refreshSeconds > 0 ? `Reloads every ${options.refreshSeconds} s (<a href="?refresh=0">stop reloading</a>).` : '<a href="./">Reload automatically</a>.'} Also as <a href="status">JSON</a>.</p>
${options.message ? `<p class="message" role="alert">${esc(options.message)}</p>` : ''}
</header>
<main>
${doc.destinations.map((d) => renderDestination(d, doc)).join('\n')}
${renderSnapshotter(doc)}
</main>
</body>
</html>
`;
}

function renderDestination(d: DestinationDocument, doc: StatusDocument): string {
  const id = `destination-${slug(d.destination)}`;
  const { status } = d;
  const commit = (sha: string | undefined) => (sha ? `<code>${esc(sha.slice(0, 12))}</code> ${esc(doc.commits[sha] ?? '')}` : '');
  const attempt = status.lastAttempt;
  const lastResult = attempt
    ? `<span class="result ${attempt.result}">${esc(attempt.result)}</span> at ${time(attempt.at)} (${commit(attempt.commit)})${attempt.error ? `<pre class="why">${esc(attempt.error)}</pre>` : ''}`
    : 'none yet';
  const drift = status.drift;
  const driftCheck = d.driftCheck;
  const driftText = [
    drift ? (drift.changes === 0 ? `none at ${time(drift.at)}` : `<strong>${drift.changes} ${drift.changes === 1 ? 'change' : 'changes'}</strong> found at ${time(drift.at)}${drift.commit ? ` against ${commit(drift.commit)}` : ''}`) : 'not checked yet',
    driftCheck ? `last check ${time(driftCheck.at)}: ${esc(driftCheck.result)}${driftCheck.reason ? ` (${esc(driftCheck.reason)})` : ''}` : '',
  ].filter(Boolean).join('; ');
  const rows: [string, string, string][] = [
    ['branch', 'Branch', `<code>${esc(d.branch)}</code>`],
    ['policy', 'Policy', d.policy ? `sync <strong>${esc(d.policy.sync)}</strong>, drift <strong>${esc(d.policy.drift)}</strong>, prune ${d.policy.prune ? 'on' : 'off'}` : 'unknown (not evaluated yet)'],
    ['state', 'State', [d.suspended ? `<strong>suspended</strong> since ${time(d.suspended.since)}` : 'active', d.busy ? 'working' : '', d.problem ? esc(d.problem) : ''].filter(Boolean).join('; ')],
    ['applied', 'Applied', status.lastApplied ? `${commit(status.lastApplied.commit)} at ${time(status.lastApplied.at)}` : 'never applied'],
    ['pending', 'Pending', d.pending ? `${commit(d.pending)}${d.policy?.sync === 'manual' ? ' (waits for a manual apply)' : ''}` : 'none'],
    ['last-result', 'Last result', lastResult],
    ['drift', 'Drift', driftText],
  ];
  if (d.keptOut.length > 0) {
    rows.push(['kept-out', 'Kept out by a revert', d.keptOut.map((k) => `${commit(k.merge)} ${esc(k.subject)}, reverted by <code>${esc(k.revert.slice(0, 12))}</code> (<code>octosync promote</code> brings it back)`).join('<br>')]);
  }
  if (d.retry) rows.push(['retry', 'Retry', `attempt ${d.retry.attempts} of ${commit(d.retry.commit)}, next at ${time(d.retry.nextAt)}`]);
  if (d.waitingForLock) rows.push(['lock', 'Waiting for', `${esc(d.waitingForLock.holder)} since ${time(d.waitingForLock.since)}`]);
  return `<section class="destination" id="${id}" data-destination="${esc(d.destination)}" aria-labelledby="${id}-title">
<h2 id="${id}-title">${esc(d.destination)}</h2>
<dl>
${rows.map(([field, label, value]) => `<div><dt>${label}</dt><dd data-field="${field}">${value}</dd></div>`).join('\n')}
</dl>
${drift?.diff ? `<details open><summary>What differs from the applied commit</summary><pre class="diff" data-field="drift-diff">${esc(drift.diff)}</pre></details>` : ''}
${d.lastPlan ? `<details><summary>Last plan applied (${commit(d.lastPlan.commit)})</summary><pre data-field="last-plan">${esc(d.lastPlan.markdown)}</pre></details>` : ''}
${renderHistory(d, commit)}
${doc.actions ? renderActions(d, id) : ''}
</section>`;
}

function renderHistory(d: DestinationDocument, commit: (sha: string) => string): string {
  if (d.status.history.length === 0) return '<p>No history yet.</p>';
  const rows = d.status.history
    .slice(0, 10)
    .map((h) => `<tr><td>${commit(h.commit)}</td><td><span class="result ${h.result}">${esc(h.result)}</span>${h.error ? `<br><small>${esc(h.error.split('\n')[0] ?? '')}</small>` : ''}</td><td>${time(h.at)}</td><td>${h.durationMs === undefined ? '–' : `${(h.durationMs / 1000).toFixed(1)} s`}</td><td>${h.writes ?? '–'}</td></tr>`)
    .join('\n');
  return `<div class="scroll"><table data-field="history">
<caption>Recent applies</caption>
<thead><tr><th scope="col">Commit</th><th scope="col">Result</th><th scope="col">At</th><th scope="col">Duration</th><th scope="col">Writes</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

function renderActions(d: DestinationDocument, id: string): string {
  const form = (action: string, label: string) => `<form method="post" action="destinations/${encodeURIComponent(d.destination)}/${action}">
<label for="${id}-${action}-token">Token</label>
<input id="${id}-${action}-token" name="token" type="password" autocomplete="off" required>
<button type="submit">${label}</button>
</form>`;
  return `<div class="actions" role="group" aria-label="Actions on ${esc(d.destination)}">
<h3>Actions</h3>
${d.pending ? form('apply', 'Apply pending commit') : ''}
${form('check-drift', 'Check drift now')}
${d.suspended ? form('resume', 'Resume') : form('suspend', 'Suspend')}
</div>`;
}

function renderSnapshotter(doc: StatusDocument): string {
  if (!doc.snapshotter) return '';
  const run = doc.snapshotter.lastRun;
  const text = run
    ? `<span class="result ${run.result === 'failed' ? 'failed' : 'success'}">${esc(run.result)}</span> at ${time(run.at)} in ${(run.durationMs / 1000).toFixed(1)} s${run.commit ? `: <code>${esc(run.commit.slice(0, 12))}</code> ${esc(run.message ?? '')}` : ''}${run.error ? `<pre class="why">${esc(run.error)}</pre>` : ''}`
    : 'not run yet';
  return `<section aria-labelledby="snapshotter-title"><h2 id="snapshotter-title">Snapshots of the source</h2><p data-field="snapshotter">Last run: ${text}</p></section>`;
}

function time(iso: string): string {
  return `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time>`;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

// Dark text on light backgrounds (contrast above 7:1), results spelled out beside their colour,
// one column on a phone.
const STYLE = `
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem;color:#1a1a1a;background:#fff;line-height:1.45}
h1{margin:.2rem 0}
.meta{color:#333;font-size:.9rem}
.health,.message{padding:.5rem .75rem;border-radius:.3rem;font-weight:600}
.good{background:#e3f4e6;border:1px solid #1b5e20}
.bad{background:#fdecea;border:1px solid #8e1b10}
.message{background:#e8f0fe;border:1px solid #174ea6}
.destination{border:1px solid #666;border-radius:.4rem;padding:.75rem 1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:1fr;gap:.25rem;margin:0}
dl>div{display:grid;grid-template-columns:9rem 1fr;gap:.5rem}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;border:1px solid #999;padding:.5rem;font-size:.85rem}
.result{font-weight:700;padding:0 .3rem;border-radius:.2rem}
.result.success,.result.no-changes{background:#e3f4e6;color:#1b5e20}
.result.failed{background:#fdecea;color:#8e1b10}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin-top:.75rem}
caption{text-align:left;font-weight:600}
th,td{border-bottom:1px solid #999;padding:.3rem;text-align:left;vertical-align:top}
.actions form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.4rem 0}
input{font-size:1rem;padding:.3rem;border:1px solid #333}
button{font-size:1rem;padding:.35rem .8rem;background:#174ea6;color:#fff;border:0;border-radius:.25rem}
a,button,input,summary{outline-offset:2px}
a:focus,button:focus,input:focus,summary:focus{outline:3px solid #b45f06}
@media (max-width:40rem){dl>div{grid-template-columns:1fr}body{padding:.5rem}}
`;
