const MB = 1024 * 1024;
const show = (l: string) => { (globalThis as any).gc?.(); (globalThis as any).gc?.(); const m = process.memoryUsage(); console.log(l.padEnd(28), 'rss', (m.rss / MB).toFixed(0), 'heapUsed', (m.heapUsed / MB).toFixed(0), 'heapTotal', (m.heapTotal / MB).toFixed(0), 'ext', (m.external / MB).toFixed(0), 'ab', (m.arrayBuffers/MB).toFixed(0)); };
(async () => {
  show('start');
  await import('botbuilder'); show('botbuilder');
  await import('@microsoft/teams-ai'); show('teams-ai');
  await import('@microsoft/microsoft-graph-client'); show('graph-client');
  await import('@azure/identity'); show('azure identity');
  await import('kysely'); await import('better-sqlite3'); await import('pg'); show('kysely+sqlite+pg');
  await import('adaptivecards-templating'); show('templating');
  const { startBenchDesk } = await import('./desk'); show('src loaded');
  const dd = await startBenchDesk({ nurses: 1000 }); show('started');
  await dd.stop(); process.exit(0);
})();
