export { startGraphEmulator, DEFAULT_EMULATOR_APP_ID, DEFAULT_EMULATOR_APP_SECRET, type GraphEmulator, type GraphEmulatorOptions } from './server.js';
export { EmulatorState, GraphFault, graphTime, type Fault, type EmulatorPurchase, type EmulatorUser, type WebhookLogEntry } from './state.js';
