/*
 * The one normalizeGatewayPath lives in util/ (broadcast, rate-limit rules and
 * concurrent handlers use it too); the adapter and the lifecycle files import
 * it from here. Import util/gateway-path.js in new code.
 */
export { normalizeGatewayPath } from '../util/gateway-path.js';
