import { createNodeUpstream } from '../systems/node-upstream.js';
import { exitOnSignal, requiredNumber, scriptArguments } from './args.js';

const args = scriptArguments({ port: { type: 'string' } });
const server = createNodeUpstream();
server.listen(requiredNumber(args.port, 'port'), '127.0.0.1');
exitOnSignal(async () => {
  server.closeAllConnections();
  server.close();
});
