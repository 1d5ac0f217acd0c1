/** librdkafka's RD_KAFKA_RESP_ERR__QUEUE_FULL: its local produce queue has no room right now. */
const QUEUE_FULL = -184;
/** How long to let delivery reports drain the queue before trying again. */
const QUEUE_FULL_WAIT_MS = 5;

/**
 * Runs `produce` (a synchronous `producer.produce(…)`, which only enqueues) until the local queue
 * has room for it: a full queue is waited out, never blocked on; any other error is thrown as is.
 */
export async function produceWhenRoom(produce: () => void): Promise<void> {
  for (;;) {
    try {
      produce();
      return;
    } catch (err) {
      if ((err as { code?: number }).code !== QUEUE_FULL) throw err;
      await new Promise((resolve) => setTimeout(resolve, QUEUE_FULL_WAIT_MS));
    }
  }
}
