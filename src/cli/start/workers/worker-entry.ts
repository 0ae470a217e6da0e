/** The script node's cluster runs for each gateway worker of `portico start --workers N`. */
import { runGatewayWorker } from './worker.js';

void runGatewayWorker();
