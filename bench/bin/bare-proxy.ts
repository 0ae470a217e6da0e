import { createBareProxy } from '../systems/bare-proxy.js';
import { exitOnSignal, requiredNumber, requiredString, scriptArguments } from './args.js';

const args = scriptArguments({ port: { type: 'string' }, upstream: { type: 'string' }, prefix: { type: 'string' } });
const proxy = createBareProxy({ upstream: requiredString(args.upstream, 'upstream'), stripPrefix: requiredString(args.prefix, 'prefix') });
proxy.server.listen(requiredNumber(args.port, 'port'), '127.0.0.1');
exitOnSignal(() => proxy.close());
