// The raw baseline of the gateway's path, without the hub's code: Fastify parses the JSON body,
// publishes it with a broker confirm to a topic exchange (quorum queue bound), answers 202.
import amqp from 'amqplib';
import Fastify from 'fastify';

const { AMQP_URL, BENCH_EXCHANGE, PORT } = process.env;
const connection = await amqp.connect(AMQP_URL);
const channel = await connection.createConfirmChannel();
await channel.assertExchange(BENCH_EXCHANGE, 'topic', {
  durable: true,
  alternateExchange: `${BENCH_EXCHANGE}.unrouted`,
});

const app = Fastify({ bodyLimit: 1024 * 1024 });
app.post('/v1/webhooks/alertmanager', async (request, reply) => {
  const ids = await Promise.all(
    request.body.alerts.map(
      (alert) =>
        new Promise((resolve, reject) => {
          const id = crypto.randomUUID();
          const content = Buffer.from(JSON.stringify({ id, type: `alert.${alert.status}`, data: alert }));
          channel.publish(
            BENCH_EXCHANGE,
            `alert.${alert.status}`,
            content,
            { persistent: true, messageId: id },
            (error) => (error ? reject(error) : resolve(id)),
          );
        }),
    ),
  );
  return reply.code(202).send({ accepted: ids.length, ids });
});
await app.listen({ port: Number(PORT), host: '127.0.0.1' });
process.stdout.write('READY\n');
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => connection.close())
      .then(() => process.exit(0)),
);
