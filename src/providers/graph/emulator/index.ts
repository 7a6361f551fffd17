export {
  startGraphEmulator,
  createGraphEmulatorProvider,
  DEFAULT_EMULATOR_APP_ID,
  DEFAULT_EMULATOR_APP_SECRET,
  GRAPH_RETRY_SCHEDULE,
  GRAPH_PAGE_SIZE,
  type GraphEmulator,
  type GraphEmulatorOptions,
  type GraphEmulatorProvider,
  type GraphProviderOptions,
} from './server.js';
export { GRAPH_TRIGGER_EVENTS } from './trigger.js';
export { EmulatorState, GraphFault, graphTime, type Fault, type EmulatorPurchase, type EmulatorUser, type WebhookLogEntry } from './state.js';
