// Preloaded (--import) by the start-up test: writes every module the process loads to the file
// named by $FWDCHECK_MODULE_LOG, one URL a line, when it exits.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => writeFileSync(process.env.FWDCHECK_MODULE_LOG!, loaded.join('\n')));
