import { readFile } from 'node:fs/promises';
import { Worker, bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { parseHistory } from './test/helpers/histories.js';
Runtime.install({ logger: new DefaultLogger('WARN') });
const mode = process.argv[2];
const n = Number(process.argv[3] ?? 200);
const file = process.argv[4] ?? 'paid';
const b = await bundleWorkflowCode({ workflowsPath: new URL('./workflows/index.ts', import.meta.url).pathname, logger: new DefaultLogger('WARN') });
const bundle = mode === 'nomap' ? { code: b.code, sourceMap: JSON.stringify({ version: 3, sources: [], names: [], mappings: '' }) } : b;
const h = parseHistory(await readFile(`test/histories/${file}.json`, 'utf8'));
console.log('events', h.events?.length);
const histories = async function* () { for (let i = 0; i < n; i++) yield { history: h, workflowId: `wf-${i}` }; };
// warm
for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, (async function* () { for (let i = 0; i < 20; i++) yield { history: h, workflowId: `w-${i}` }; })())) { if (r.error) throw r.error; }
const c0 = process.cpuUsage(); const t0 = Date.now();
for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories())) { if (r.error) throw r.error; }
const c = process.cpuUsage(c0);
console.log(mode, file, 'cpu ms/replay', ((c.user + c.system) / 1000 / n).toFixed(1), 'wall ms/replay', ((Date.now() - t0) / n).toFixed(1));
