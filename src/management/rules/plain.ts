import type { KindRules } from './types.js';

/** Kinds with nothing beyond their schema (tags). */
export const plainRules: KindRules = {
  async prepare(properties) {
    return { properties };
  },
};
