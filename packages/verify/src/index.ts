export { PorticoTokenError, type PorticoTokenErrorCode } from './errors.js';
export {
  createPorticoVerifier,
  DEFAULT_ISSUER,
  JWKS_PATH,
  PORTICO_CLAIMS,
  type PorticoCaller,
  type PorticoVerifier,
  type PorticoVerifierOptions,
} from './verifier.js';
export { sendTokenError, withPortico, type PorticoHttpHandler, type PorticoRequest, type VerifierSource } from './http.js';
export { porticoExpress, type NextFunction, type PorticoExpressOptions } from './express.js';
export { porticoFastify, porticoFastifyHook } from './fastify.js';
