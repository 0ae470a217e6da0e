import { findExecutable } from '../tools.js';
import { AutocannonGenerator } from './autocannon.js';
import type { LoadGenerator } from './types.js';
import { WrkGenerator } from './wrk.js';

/** wrk when installed (it costs the machine least), else autocannon from bench/peers. */
export function selectLoadGenerator(preference: 'auto' | 'wrk' | 'autocannon'): LoadGenerator {
  if (preference !== 'autocannon') {
    const wrk = findExecutable('wrk');
    if (wrk !== null) return new WrkGenerator(wrk);
    if (preference === 'wrk') throw new Error('--load wrk: wrk is not installed (apt-get install -y wrk)');
  }
  return new AutocannonGenerator();
}
