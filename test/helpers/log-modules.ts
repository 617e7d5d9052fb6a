// Preloaded (--import) by the start-up test: writes every module the process loads to the file
// named by $FWDCHECK_MODULE_LOG, one URL a line, when it exits, CommonJS files included; the
// first DNS query sent over UDP appears among them as the line "dns:first-send".
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import Module, { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
// CommonJS files required from CommonJS do not go through the hooks above
const M = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown; _resolveFilename(request: string, parent: unknown, isMain: boolean): string };
const load = M._load;
M._load = function (request, parent, isMain) {
  try {
    const file = M._resolveFilename(request, parent, isMain);
    if (file.startsWith('/')) loaded.push(pathToFileURL(file).href);
  } catch {
    // node's own modules, and names that do not resolve (the load itself reports them)
  }
  return load.call(this, request, parent, isMain);
};
const send = dgram.Socket.prototype.send;
let sent = false;
dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
  if (!sent) loaded.push('dns:first-send');
  sent = true;
  return (send as (...a: unknown[]) => void).apply(this, args);
} as typeof send;
process.on('exit', () => writeFileSync(process.env.FWDCHECK_MODULE_LOG!, loaded.join('\n')));
