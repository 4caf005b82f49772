// The embedded default connector (SPEC §7): nothing leaves Baton; the outbound message row that
// Baton writes when it acknowledges a delivery is the record, shown in the timeline.
import type { Connector } from './connector.js';

export const outboxConnector: Connector = {
  name: 'outbox',
  timeoutMs: 0,
  async deliver() {
    // No external I/O: the acknowledgement's message row is the delivery.
  },
};
