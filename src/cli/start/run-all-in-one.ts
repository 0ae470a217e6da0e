import { mkdir } from 'node:fs/promises';
import { DeclarativeFileError } from '../../config/declarative/issues.js';
import { loadDeclarativeFile, relocateIssues, type LoadedDeclarativeFile } from '../../config/declarative/load.js';
import { EXIT_FAILURE, EXIT_OK } from '../command.js';
import { printIssues } from '../print-issues.js';
import { reachableUrl } from './addresses.js';
import { forgetUnshownToken, resolveAdminToken, type AdminToken } from './admin-token.js';
import { curlLine } from './curl-line.js';
import { lockDataFolder } from './data-lock.js';
import { demoEchoUrl } from './demo.js';
import { prepareDemo, type DemoAccess } from './demo-seed.js';
import { createServerLogger } from './logger.js';
import { openAllInOne, type AllInOne } from './all-in-one.js';
import type { LoadedTls } from './tls-files.js';
import type { StartSettings } from './settings.js';
import { sayOnStderr, waitForShutdownSignal } from './shutdown.js';

/**
 * `portico start`: both planes in one process. The order matters: the config file is
 * checked before anything is created, applied before anything listens (all-or-nothing),
 * the demo is seeded once the admin port (its backend) is known, and "listening" is printed
 * only when the gateway serves the latest snapshot, so a script can act on that line at once.
 */
export async function runAllInOne(settings: StartSettings): Promise<number> {
  let config: LoadedDeclarativeFile | undefined;
  if (settings.configFile !== undefined) {
    config = await loadConfig(settings.configFile);
    if (!config) return EXIT_FAILURE;
  }

  await mkdir(settings.dataDir, { recursive: true, mode: 0o700 });
  const unlock = await lockDataFolder(settings.dataDir);
  try {
    return await runLocked(settings, config);
  } finally {
    await unlock();
  }
}

async function runLocked(settings: StartSettings, config: LoadedDeclarativeFile | undefined): Promise<number> {
  const say = sayOnStderr;
  const adminToken = await resolveAdminToken(settings.dataDir, settings.adminToken);
  const shutdownSignal = waitForShutdownSignal(say);
  let system: AllInOne;
  try {
    system = await openAllInOne(settings, adminToken.token, createServerLogger(process.env.PORTICO_LOG_LEVEL));
  } catch (error) {
    await forgetUnshownToken(adminToken);
    throw error;
  }
  let demo: DemoAccess | undefined;
  try {
    if (config && !(await applyConfig(system, config))) {
      await system.close(0);
      await forgetUnshownToken(adminToken);
      return EXIT_FAILURE;
    }
    const admin = await system.listenAdmin();
    if (settings.demo) demo = await prepareDemo(system.service, demoEchoUrl(reachableUrl(settings.host, admin.port)));
    await system.publishLatest();
    const gateway = await system.listenGateway();
    printReady(settings, admin.port, gateway.port, adminToken, demo, system.gatewayTls);
  } catch (error) {
    await system.close(0);
    await forgetUnshownToken(adminToken);
    throw error;
  }

  const signal = await shutdownSignal;
  say(`${signal} received: stopping; in-flight gateway requests have up to ${settings.drainMs} ms to finish`);
  await system.close(settings.drainMs);
  say('stopped');
  return EXIT_OK;
}

async function loadConfig(file: string): Promise<LoadedDeclarativeFile | undefined> {
  try {
    return await loadDeclarativeFile(file);
  } catch (error) {
    if (!(error instanceof DeclarativeFileError)) throw error;
    reportRefusedConfig(file, error);
    return undefined;
  }
}

async function applyConfig(system: AllInOne, config: LoadedDeclarativeFile): Promise<boolean> {
  try {
    await system.service.applyDeclared(config.resources);
    return true;
  } catch (error) {
    if (!(error instanceof DeclarativeFileError)) throw error;
    reportRefusedConfig(config.file, relocateIssues(config, error));
    return false;
  }
}

function reportRefusedConfig(file: string, error: DeclarativeFileError): void {
  printIssues(file, error);
  sayOnStderr(`--config ${file} refused (${error.issues.length} error${error.issues.length === 1 ? '' : 's'}); nothing was applied`);
}

/**
 * stdout carries what a user (or a test) acts on, in stable shapes:
 *   portico: listening gateway=http://H:P admin=http://H:P
 * then the admin token the first time it exists, then the demo's curl command.
 */
function printReady(
  settings: StartSettings,
  adminPort: number,
  gatewayPort: number,
  token: AdminToken,
  demo: DemoAccess | undefined,
  tls: LoadedTls | undefined,
): void {
  const gatewayUrl = reachableUrl(settings.host, gatewayPort, tls === undefined ? 'http' : 'https');
  const adminUrl = reachableUrl(settings.host, adminPort);
  const lines = [`portico: listening gateway=${gatewayUrl} admin=${adminUrl}`, `portico: data folder ${settings.dataDir}`];
  if (token.origin === 'generated') {
    lines.push(`portico: admin token (shown once; kept in ${token.file}):`, `  ${token.token}`);
  }
  if (demo) {
    lines.push(
      demo.seeded ? 'portico: demo created. Call the echo API through the gateway:' : 'portico: demo. Call the echo API through the gateway:',
      `  ${curlLine(demo.keyHeader, demo.key, `${gatewayUrl}${demo.requestPath}`, tls?.selfSigned === true ? settings.tls?.certFile : undefined)}`,
    );
    if (tls !== undefined && !tls.selfSigned) {
      lines.push("  (HTTPS: if curl does not trust the certificate's issuer, add --cacert <issuer CA file>, or -k while testing)");
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
