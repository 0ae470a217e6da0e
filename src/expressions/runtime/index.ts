/**
 * Loads every runtime module so its types register before the registry is sealed. The
 * order matters only for readability: signatures are parsed after all types exist.
 */
import './system-types.js';
import './exception-types.js';
import './string.js';
import './primitives.js';
import './collections.js';
import './datetime.js';
import './guid.js';
import './context-types.js';
import './linq.js';
import './math.js';
import './convert.js';
import './encoding.js';
import './uri.js';
import './regex.js';
import './json/write.js';
import './json/types.js';
import './crypto.js';
import './jwt.js';
import './xml/types.js';
