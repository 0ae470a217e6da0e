// fast-gateway 3.x serving the bench route: PREFIX/* → UPSTREAM/*.
// Run by the harness: PORT=… UPSTREAM=http://127.0.0.1:… PREFIX=/bench node fast-gateway.mjs
import gateway from 'fast-gateway';

const { PORT, UPSTREAM, PREFIX } = process.env;
const server = gateway({ routes: [{ prefix: PREFIX, target: UPSTREAM }] });
await server.start(Number(PORT), '127.0.0.1');

const stop = () => server.close().then(() => process.exit(0), () => process.exit(1));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
