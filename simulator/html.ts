// Hosted pages are plain server-rendered HTML; everything from a request or an object is escaped.

export function escapeHtml(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Only absolute http(s) URLs become links or redirects; anything else (`javascript:` included) stays text. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · WooshPay test mode</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 34rem; margin: 2rem auto; padding: 0 1rem; color: #1d2433; }
.mode { background: #fff3cd; padding: .4rem .8rem; border-radius: .4rem; font-size: .85rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
dt { color: #5b6478; } dd { margin: 0; font-weight: 600; }
table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
td, th { padding: .4rem; border-bottom: 1px solid #e3e6ec; text-align: left; }
td.num, th.num { text-align: right; }
button { background: #2454d6; color: #fff; border: 0; padding: .7rem 1.2rem; border-radius: .4rem; font-size: 1rem; cursor: pointer; }
.status { padding: .6rem .8rem; border-radius: .4rem; background: #eef1f6; }
</style>
</head>
<body>
<p class="mode">Test mode: no real money moves. This page is served by the WooshPay simulator.</p>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}
