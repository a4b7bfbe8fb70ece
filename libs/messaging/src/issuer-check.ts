import { type HubEvent, issuerRefusal } from '@hub/contracts';
import { DeadLetterError } from './messaging.errors.js';

/**
 * Parks an internal command or result that does not come from its issuer (`issuersOfType` of
 * `@hub/contracts`) with a DeadLetterError naming the type and the `hubsource`. The routing key is
 * checked as well as the type, so a forged message cannot reach an internal binding under an
 * external type.
 */
export function assertIssuer(event: HubEvent, routingKey: string): void {
  const refusal = issuerRefusal(routingKey, event.hubsource) ?? issuerRefusal(event.type, event.hubsource);
  if (refusal) {
    throw new DeadLetterError(`not obeyed: ${refusal}`, {
      type: event.type,
      routingKey,
      hubsource: event.hubsource,
    });
  }
}
