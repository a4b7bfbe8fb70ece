import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter replaces every error with `{ status: 'error' }`. The hub transport
 * decides ack / retry / dead-letter from the error's class, so it needs the original error.
 */
@Catch()
export class RpcPassthroughFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
