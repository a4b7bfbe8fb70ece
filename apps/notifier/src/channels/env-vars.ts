import { z } from 'zod';

/** A whole, non-negative number of milliseconds (the notifier's timing knobs). */
export const millisVar = z.coerce.number({ error: 'must be a number of milliseconds' }).int().nonnegative();
