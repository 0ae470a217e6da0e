// express-gateway 1.16 serving the bench route: PREFIX/* → UPSTREAM/*, admin API off.
// Run by the harness: PORT=… UPSTREAM=http://127.0.0.1:… PREFIX=/bench CONFIG_DIR=… node express-gateway.cjs
'use strict';
const { cpSync, mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const { PORT, UPSTREAM, PREFIX, CONFIG_DIR } = process.env;
mkdirSync(CONFIG_DIR, { recursive: true });

writeFileSync(join(CONFIG_DIR, 'gateway.config.yml'), `
http:
  port: ${Number(PORT)}
  hostname: 127.0.0.1
apiEndpoints:
  bench:
    host: '*'
    paths: ['${PREFIX}/*']
serviceEndpoints:
  upstream:
    url: '${UPSTREAM}'
policies:
  - proxy
pipelines:
  bench:
    apiEndpoints:
      - bench
    policies:
      - proxy:
          - action:
              serviceEndpoint: upstream
              changeOrigin: true
              stripPath: true
`);

// In-memory store (no Redis): the gateway keeps nothing across requests on this route.
writeFileSync(join(CONFIG_DIR, 'system.config.yml'), `
db:
  redis:
    emulate: true
    namespace: EG
crypto:
  cipherKey: benchOnlyKey
  algorithm: aes256
  saltRounds: 10
session:
  secret: bench-only
  resave: false
  saveUninitialized: false
accessTokens:
  timeToExpiry: 7200000
refreshTokens:
  timeToExpiry: 7200000
authorizationCodes:
  timeToExpiry: 300000
`);

// The user/app/credential models it loads at start, as shipped.
cpSync(join(__dirname, 'node_modules/express-gateway/lib/config/models'), join(CONFIG_DIR, 'models'), { recursive: true });

require('express-gateway')().load(CONFIG_DIR).run();
