import type { PolicySectionName } from '../xml/index.js';

export const ALL_SECTIONS: readonly PolicySectionName[] = ['inbound', 'backend', 'outbound', 'on-error'];
