/*
 * Preloaded into the Microsoft 365 Agents Playground (`node --require`) by src/cli/playground.ts.
 *
 * The Playground calls `server.listen(port)` with no host, which binds every interface: anyone on
 * the network could then open the UI and chat with the dev bot as the configured persona, or post
 * to its mocked connector. It has no option for the host, so this gives a host-less numeric
 * listen() the loopback address. Its own port probe (net.createServer().listen(port)) goes through
 * the same path, so "is the port free" and "bind the port" stay consistent.
 */
'use strict';
const net = require('node:net');

const HOST = process.env.DRAGON_DESK_PLAYGROUND_HOST || '127.0.0.1';
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  const isPort = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first));
  if (isPort && (args.length === 1 || typeof args[1] === 'function')) args.splice(1, 0, HOST);
  else if (
    first &&
    typeof first === 'object' &&
    !Array.isArray(first) &&
    first.port !== undefined &&
    first.host === undefined &&
    first.path === undefined
  )
    args[0] = { ...first, host: HOST };
  return originalListen.apply(this, args);
};
