import { trace } from '@opentelemetry/api';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Observable } from 'rxjs';

interface RoutedRequest {
  method?: string;
  routeOptions?: { url?: string };
  routerPath?: string;
}

/**
 * Renames the HTTP server span (created by the http instrumentation, which only knows the method)
 * to `METHOD /route/{param}` and records `http.route`, so traces group by endpoint, not by URL.
 */
@Injectable()
export class HttpSpanNameInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<RoutedRequest>();
      const route = request.routeOptions?.url ?? request.routerPath;
      const span = trace.getActiveSpan();
      if (span && route) {
        span.updateName(`${request.method ?? 'HTTP'} ${route}`);
        span.setAttribute('http.route', route);
      }
    }
    return next.handle();
  }
}
