import { type DynamicModule, Module } from '@nestjs/common';
import { HubPublisher } from './hub.publisher.js';
import { type PublisherOptions } from './messaging.options.js';

/** Provides one `HubPublisher` per process, connected on bootstrap and closed on shutdown. */
@Module({})
export class MessagingModule {
  static forRoot(options: PublisherOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [{ provide: HubPublisher, useFactory: () => new HubPublisher(options) }],
      exports: [HubPublisher],
    };
  }
}
