// The raw baseline of the hub's whole path (issue 3): no hub code, the same broker and queue type.
// ROLE=endpoint: Fastify answers POST /v1/webhooks/alertmanager after publishing each alert with a
//   confirm to the first hop (the message carries the accept time).
// ROLE=relay HOP=n: consumes hop n, republishes to hop n+1 with a confirm, then acks.
import amqp from 'amqplib';
import Fastify from 'fastify';

const { AMQP_URL, PREFIX, ROLE, HOP, PORT } = process.env;
const hopQueue = (n) => `${PREFIX}.hop${n}`;
const connection = await amqp.connect(AMQP_URL);
const channel = await connection.createConfirmChannel();
for (let n = 1; n <= 4; n++) {
  await channel.assertQueue(hopQueue(n), { durable: true, arguments: { 'x-queue-type': 'quorum' } });
}

const publish = (queue, body) =>
  new Promise((resolve, reject) =>
    channel.sendToQueue(queue, body, { persistent: true }, (error) => (error ? reject(error) : resolve())),
  );

if (ROLE === 'endpoint') {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  app.post('/v1/webhooks/alertmanager', async (request, reply) => {
    const acceptedAt = Date.now();
    await Promise.all(
      request.body.alerts.map((alert) => publish(hopQueue(1), Buffer.from(JSON.stringify({ acceptedAt, alert })))),
    );
    return reply.code(202).send({ accepted: request.body.alerts.length });
  });
  await app.listen({ port: Number(PORT), host: '127.0.0.1' });
} else {
  const hop = Number(HOP);
  await channel.prefetch(64);
  await channel.consume(hopQueue(hop), (message) => {
    if (!message) return;
    publish(hopQueue(hop + 1), message.content).then(
      () => channel.ack(message),
      () => channel.nack(message, false, true),
    );
  });
}
process.stdout.write('READY\n');
process.on('SIGTERM', () => void connection.close().then(() => process.exit(0)));
