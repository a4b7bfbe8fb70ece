import { trace } from '@opentelemetry/api';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Observable } from 'rxjs';

interface RoutedRequest {
  method?: string;
  routeOptions?: { url?: string };
  routerPath?: string;
}

/**
 * Renames the active HTTP server span (created by the http instrumentation, which only knows the
 * method) to `METHOD /route/{param}` and records `http.route`, so traces group by endpoint, not
 * by URL. Does nothing outside a span or without a matched route.
 */
export function nameServerSpan(request: RoutedRequest): void {
  const route = request.routeOptions?.url ?? request.routerPath;
  const span = trace.getActiveSpan();
  if (span && route) {
    span.updateName(`${request.method ?? 'HTTP'} ${route}`);
    span.setAttribute('http.route', route);
  }
}

/**
 * {@link nameServerSpan} for every request a Nest handler takes. A busy HTTP service (the gateway)
 * calls it from a Fastify `onRequest` hook instead: a global interceptor puts every request
 * through Nest's rxjs interceptor chain.
 */
@Injectable()
export class HttpSpanNameInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') nameServerSpan(context.switchToHttp().getRequest<RoutedRequest>());
    return next.handle();
  }
}
